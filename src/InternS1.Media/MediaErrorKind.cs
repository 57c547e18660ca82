namespace InternS1.Media;

/// <summary>
/// Why media intake or preprocessing failed (<see cref="MediaException.Kind"/>). This project defines no reason-code
/// strings: the worker maps each kind to its dead-letter reason code in one place
/// (<c>InternS1.Batch.Worker.Preparation.MediaFailureReasons</c>).
/// </summary>
public enum MediaErrorKind
{
    /// <summary>Media bytes could not be found, fetched or decoded (garbage, truncated, HTTP error, no video stream).</summary>
    Unreadable,

    /// <summary>Over a configured limit: download or inline bytes, decoded pixels, video duration, frames.</summary>
    TooLarge,

    /// <summary>Refused by policy: path outside the media root, symlink escape, URL scheme, private address.</summary>
    Forbidden,

    /// <summary>Download, probe or decode took longer than the configured timeout.</summary>
    Timeout,
}
