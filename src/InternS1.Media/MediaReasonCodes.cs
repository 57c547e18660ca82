namespace InternS1.Media;

/// <summary>
/// Reason codes carried by <see cref="MediaException"/>. The strings are the dead-letter reason codes of
/// <c>InternS1.Batch.Contracts.Failures.FailureReasons</c> (this project may not reference it, so they are
/// repeated here; a worker test should assert they stay equal).
/// </summary>
public static class MediaReasonCodes
{
    /// <summary>Media bytes could not be found, fetched or decoded (garbage, truncated, HTTP error, no video stream).</summary>
    public const string Unreadable = "media_unreadable";

    /// <summary>Over a configured limit: download or inline bytes, decoded pixels, video duration, frames.</summary>
    public const string TooLarge = "media_too_large";

    /// <summary>Refused by policy: path outside the media root, symlink escape, URL scheme, private address.</summary>
    public const string Forbidden = "media_forbidden";

    /// <summary>Download, probe or decode took longer than the configured timeout.</summary>
    public const string Timeout = "media_timeout";

    /// <summary>A media field has an invalid value (e.g. <c>num_frames</c> &lt;= 0); same string as the contracts' code.</summary>
    public const string InvalidField = "invalid_field";
}
