using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Batch.Remote.Streaming;

/// <summary>
/// One <c>data:</c> event of a streamed chat completion, with every flavor's fields: <c>reasoning</c>
/// (vLLM, Ollama) and <c>reasoning_content</c> (LMDeploy, SGLang) in the delta; usage with
/// <c>prompt_tokens_details.cached_tokens</c>, <c>completion_tokens_details.reasoning_tokens</c> and
/// SGLang's top-level <c>reasoning_tokens</c>; and an <c>error</c> member for errors inside a 200 stream.
/// Numbers are nullable so that "not sent" stays distinguishable from 0.
/// </summary>
internal sealed record ChatChunk
{
    [JsonPropertyName("choices")]
    public List<Choice>? Choices { get; init; }

    [JsonPropertyName("usage")]
    public UsageDto? Usage { get; init; }

    /// <summary>An object (<c>{"message", "type", "code"}</c>) or a string.</summary>
    [JsonPropertyName("error")]
    public JsonElement? Error { get; init; }

    internal sealed record Choice
    {
        [JsonPropertyName("index")]
        public int Index { get; init; }

        [JsonPropertyName("delta")]
        public Delta? Delta { get; init; }

        [JsonPropertyName("finish_reason")]
        public string? FinishReason { get; init; }
    }

    internal sealed record Delta
    {
        [JsonPropertyName("content")]
        public string? Content { get; init; }

        [JsonPropertyName("reasoning")]
        public string? Reasoning { get; init; }

        [JsonPropertyName("reasoning_content")]
        public string? ReasoningContent { get; init; }

        [JsonPropertyName("tool_calls")]
        public List<ToolCallDelta>? ToolCalls { get; init; }
    }

    internal sealed record ToolCallDelta
    {
        [JsonPropertyName("index")]
        public int? Index { get; init; }

        [JsonPropertyName("id")]
        public string? Id { get; init; }

        [JsonPropertyName("function")]
        public FunctionDelta? Function { get; init; }
    }

    internal sealed record FunctionDelta
    {
        [JsonPropertyName("name")]
        public string? Name { get; init; }

        [JsonPropertyName("arguments")]
        public string? Arguments { get; init; }
    }

    internal sealed record UsageDto
    {
        [JsonPropertyName("prompt_tokens")]
        public int? PromptTokens { get; init; }

        [JsonPropertyName("completion_tokens")]
        public int? CompletionTokens { get; init; }

        [JsonPropertyName("prompt_tokens_details")]
        public PromptDetails? PromptTokensDetails { get; init; }

        [JsonPropertyName("completion_tokens_details")]
        public CompletionDetails? CompletionTokensDetails { get; init; }

        /// <summary>SGLang's non-standard top-level count.</summary>
        [JsonPropertyName("reasoning_tokens")]
        public int? ReasoningTokens { get; init; }
    }

    internal sealed record PromptDetails
    {
        [JsonPropertyName("cached_tokens")]
        public int? CachedTokens { get; init; }
    }

    internal sealed record CompletionDetails
    {
        [JsonPropertyName("reasoning_tokens")]
        public int? ReasoningTokens { get; init; }
    }
}
