using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Events;

/// <summary>Token accounting of one job, as stored in <c>token_usage</c>.
/// <c>prompt_tokens</c> counts every prompt token, image and video tokens included;
/// <c>image_tokens</c>/<c>video_tokens</c> are the parts of it that are media placeholders (always our own
/// preprocessing count); <c>cached_tokens</c> the part served from the prefix cache;
/// <c>reasoning_tokens</c> the part of <c>completion_tokens</c> inside the think block. The local engine knows
/// every count exactly; with the remote engine the prompt, completion, cached and reasoning counts are the
/// server's, and a count the server did not report is null (never a guessed 0), see <see cref="ReportedFields"/>.</summary>
public sealed record TokenUsageInfo
{
    [JsonPropertyName("prompt_tokens")]
    public int PromptTokens { get; init; }

    [JsonPropertyName("image_tokens")]
    public int ImageTokens { get; init; }

    [JsonPropertyName("video_tokens")]
    public int VideoTokens { get; init; }

    /// <summary>Null when a remote server did not report it.</summary>
    [JsonPropertyName("cached_tokens")]
    public int? CachedTokens { get; init; }

    [JsonPropertyName("completion_tokens")]
    public int CompletionTokens { get; init; }

    /// <summary>Null when a remote server did not report it.</summary>
    [JsonPropertyName("reasoning_tokens")]
    public int? ReasoningTokens { get; init; }

    /// <summary>The response fields a remote server actually sent (JSON paths such as
    /// <c>usage.prompt_tokens_details.cached_tokens</c> or <c>delta.reasoning</c>), sorted; null for the local
    /// engine, which counts every field itself.</summary>
    [JsonPropertyName("reported_fields")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ReportedFields { get; init; }

    [JsonPropertyName("total_tokens")]
    public int TotalTokens => PromptTokens + CompletionTokens;
}
