using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>Parts of the prompt tokens: served from the prefix cache, image and video placeholders.</summary>
public sealed record PromptTokensDetails
{
    /// <summary>Left out when unknown (a remote server that did not report it).</summary>
    [JsonPropertyName("cached_tokens")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? CachedTokens { get; init; }

    [JsonPropertyName("image_tokens")]
    public int ImageTokens { get; init; }

    [JsonPropertyName("video_tokens")]
    public int VideoTokens { get; init; }
}
