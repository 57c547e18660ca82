namespace InternS1.Media.Intake;

/// <summary>
/// One media part fetched and checked (<see cref="MediaLoader.InspectAsync"/>) but not preprocessed: its bytes and
/// media type, for a remote engine that preprocesses media itself, and the placeholder tokens our own preprocessing
/// would fill (the accounting we keep).
/// </summary>
public sealed record InspectedMedia
{
    public required MediaType Type { get; init; }

    /// <summary>The media bytes as fetched (decoded and checked against the limits, not changed).</summary>
    public required byte[] Bytes { get; init; }

    /// <summary>From the bytes' signature: <c>image/png</c>, <c>image/jpeg</c>, <c>image/webp</c>, <c>image/gif</c>,
    /// <c>image/bmp</c>, <c>video/mp4</c>, <c>video/webm</c>, ...; <c>application/octet-stream</c> when unknown.</summary>
    public required string MimeType { get; init; }

    /// <summary><c>&lt;IMG_CONTEXT&gt;</c> tokens of the part: tiles x tokens per tile for an image, sampled frames x
    /// tokens per frame for a video, as <see cref="MediaLoader.LoadAsync"/> would count them.</summary>
    public required int ContextTokens { get; init; }

    /// <summary>The part as a <c>data:{type};base64,...</c> URL.</summary>
    public string ToDataUrl() => $"data:{MimeType};base64,{Convert.ToBase64String(Bytes)}";
}
