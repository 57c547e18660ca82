using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Events;

/// <summary>Token accounting of one job, as stored in <c>token_usage</c>.
/// <c>prompt_tokens</c> counts every prompt token, image and video tokens included;
/// <c>image_tokens</c>/<c>video_tokens</c> are the parts of it that are media placeholders;
/// <c>cached_tokens</c> the part served from the prefix cache;
/// <c>reasoning_tokens</c> the part of <c>completion_tokens</c> inside the think block.</summary>
public sealed record TokenUsageInfo
{
    [JsonPropertyName("prompt_tokens")]
    public int PromptTokens { get; init; }

    [JsonPropertyName("image_tokens")]
    public int ImageTokens { get; init; }

    [JsonPropertyName("video_tokens")]
    public int VideoTokens { get; init; }

    [JsonPropertyName("cached_tokens")]
    public int CachedTokens { get; init; }

    [JsonPropertyName("completion_tokens")]
    public int CompletionTokens { get; init; }

    [JsonPropertyName("reasoning_tokens")]
    public int ReasoningTokens { get; init; }

    [JsonPropertyName("total_tokens")]
    public int TotalTokens => PromptTokens + CompletionTokens;
}
