using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>Parts of the completion tokens: those inside the think block.</summary>
public sealed record CompletionTokensDetails
{
    [JsonPropertyName("reasoning_tokens")]
    public int ReasoningTokens { get; init; }
}
