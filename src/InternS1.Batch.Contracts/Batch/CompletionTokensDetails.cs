using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>Parts of the completion tokens: those inside the think block.</summary>
public sealed record CompletionTokensDetails
{
    /// <summary>Left out when unknown (a remote server that did not report it).</summary>
    [JsonPropertyName("reasoning_tokens")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ReasoningTokens { get; init; }
}
