namespace InternS1.Media;

/// <summary>
/// The one exception type of media intake and preprocessing. <see cref="Kind"/> says why (the worker turns it into
/// a dead-letter reason code); <see cref="Exception.Message"/> names the part when known, e.g.
/// <c>messages[1].content[2] (image url https://example.org/a.png): download is larger than 20971520 bytes</c>.
/// Input that breaks a precondition of this library (a frame count below 1) is an <see cref="ArgumentException"/>
/// instead: the caller validates its input first.
/// </summary>
public sealed class MediaException : Exception
{
    public MediaException(MediaErrorKind kind, string detail, string? part = null, Exception? inner = null)
        : base(part is null ? detail : $"{part}: {detail}", inner)
    {
        Kind = kind;
        Detail = detail;
        Part = part;
    }

    /// <summary>Why the media failed.</summary>
    public MediaErrorKind Kind { get; }

    /// <summary>The problem without the part description.</summary>
    public string Detail { get; }

    /// <summary>Description of the content part (field path and source), when known.</summary>
    public string? Part { get; }

    /// <summary>The same failure, attributed to <paramref name="part"/> (keeps an existing part).</summary>
    public MediaException WithPart(string part) =>
        Part is not null ? this : new MediaException(Kind, Detail, part, InnerException ?? this);

    internal static MediaException Unreadable(string detail, Exception? inner = null) => new(MediaErrorKind.Unreadable, detail, null, inner);
    internal static MediaException TooLarge(string detail) => new(MediaErrorKind.TooLarge, detail);
    internal static MediaException Forbidden(string detail) => new(MediaErrorKind.Forbidden, detail);
    internal static MediaException Timeout(string detail, Exception? inner = null) => new(MediaErrorKind.Timeout, detail, null, inner);
}
