using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Chat;

/// <summary>
/// One part of a message's content:
/// <c>{"type":"text","text":...}</c>,
/// <c>{"type":"image","url"|"path"|"base64":...}</c>,
/// <c>{"type":"video","url"|"path":..., "num_frames"?: n}</c>.
/// The OpenAI form <c>{"type":"image_url","image_url":{"url":...}}</c> is accepted too
/// (a <c>data:</c> URL counts as base64). Unknown types are rejected by the worker with reason
/// <c>unsupported_content</c>.
/// </summary>
public sealed record ContentPart
{
    public const string TextType = "text";
    public const string ImageType = "image";
    public const string VideoType = "video";
    public const string ImageUrlType = "image_url";

    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("text")]
    public string? Text { get; init; }

    /// <summary>http(s) URL of the media (schemes allowed by the worker's media options).</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>Path of the media relative to (or inside) the worker's media root.</summary>
    [JsonPropertyName("path")]
    public string? Path { get; init; }

    /// <summary>Inline media bytes, base64 (images only).</summary>
    [JsonPropertyName("base64")]
    public string? Base64 { get; init; }

    /// <summary>OpenAI-style image reference.</summary>
    [JsonPropertyName("image_url")]
    public ImageUrl? ImageUrl { get; init; }

    /// <summary>Video only: frames to sample (default: the worker's <c>Media:VideoFrames</c>, 32).</summary>
    [JsonPropertyName("num_frames")]
    public int? NumFrames { get; init; }
}

/// <summary>OpenAI <c>image_url</c> object.</summary>
public sealed record ImageUrl
{
    [JsonPropertyName("url")]
    public required string Url { get; init; }

    [JsonPropertyName("detail")]
    public string? Detail { get; init; }
}
