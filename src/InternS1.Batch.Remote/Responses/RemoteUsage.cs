using System.Text.Json.Serialization;

namespace InternS1.Batch.Remote.Responses;

/// <summary>
/// Token counts as the server reported them in the stream's <c>usage</c>. A count the server did not
/// report is null, never a guessed 0: vLLM reports no reasoning tokens, vLLM and SGLang report cached
/// tokens only with a server flag, Ollama neither (shared/notes/remote-engines.md §2).
/// </summary>
public sealed record RemoteUsage
{
    /// <summary><c>usage.prompt_tokens</c>.</summary>
    [JsonPropertyName("prompt_tokens")]
    public int? PromptTokens { get; init; }

    /// <summary><c>usage.completion_tokens</c> (thinking included).</summary>
    [JsonPropertyName("completion_tokens")]
    public int? CompletionTokens { get; init; }

    /// <summary><c>usage.prompt_tokens_details.cached_tokens</c>.</summary>
    [JsonPropertyName("cached_tokens")]
    public int? CachedTokens { get; init; }

    /// <summary><c>usage.completion_tokens_details.reasoning_tokens</c>, else SGLang's top-level <c>usage.reasoning_tokens</c>.</summary>
    [JsonPropertyName("reasoning_tokens")]
    public int? ReasoningTokens { get; init; }

    /// <summary>Nothing reported (no usage chunk).</summary>
    public static RemoteUsage None { get; } = new();
}
