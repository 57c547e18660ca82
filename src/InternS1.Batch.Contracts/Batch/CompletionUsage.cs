using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>Token accounting of a <see cref="ChatCompletion"/>: <c>prompt_tokens</c> includes the image and
/// video placeholder tokens; <c>total_tokens</c> = prompt + completion.</summary>
public sealed record CompletionUsage
{
    [JsonPropertyName("prompt_tokens")]
    public int PromptTokens { get; init; }

    [JsonPropertyName("completion_tokens")]
    public int CompletionTokens { get; init; }

    [JsonPropertyName("total_tokens")]
    public int TotalTokens { get; init; }

    [JsonPropertyName("prompt_tokens_details")]
    public required PromptTokensDetails PromptTokensDetails { get; init; }

    [JsonPropertyName("completion_tokens_details")]
    public required CompletionTokensDetails CompletionTokensDetails { get; init; }
}
