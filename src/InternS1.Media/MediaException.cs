namespace InternS1.Media;

/// <summary>
/// The one exception type of media intake and preprocessing. <see cref="ReasonCode"/> is one of
/// <see cref="MediaReasonCodes"/>; <see cref="Exception.Message"/> names the part when known, e.g.
/// <c>messages[1].content[2] (image url https://example.org/a.png): download is larger than 20971520 bytes</c>.
/// </summary>
public sealed class MediaException : Exception
{
    public MediaException(string reasonCode, string detail, string? part = null, Exception? inner = null)
        : base(part is null ? detail : $"{part}: {detail}", inner)
    {
        ReasonCode = reasonCode;
        Detail = detail;
        Part = part;
    }

    /// <summary>Stable reason code (<see cref="MediaReasonCodes"/>).</summary>
    public string ReasonCode { get; }

    /// <summary>The problem without the part description.</summary>
    public string Detail { get; }

    /// <summary>Description of the content part (field path and source), when known.</summary>
    public string? Part { get; }

    /// <summary>The same failure, attributed to <paramref name="part"/> (keeps an existing part).</summary>
    public MediaException WithPart(string part) =>
        Part is not null ? this : new MediaException(ReasonCode, Detail, part, InnerException ?? this);

    internal static MediaException Unreadable(string detail, Exception? inner = null) => new(MediaReasonCodes.Unreadable, detail, null, inner);
    internal static MediaException TooLarge(string detail) => new(MediaReasonCodes.TooLarge, detail);
    internal static MediaException Forbidden(string detail) => new(MediaReasonCodes.Forbidden, detail);
    internal static MediaException Timeout(string detail, Exception? inner = null) => new(MediaReasonCodes.Timeout, detail, null, inner);
}
