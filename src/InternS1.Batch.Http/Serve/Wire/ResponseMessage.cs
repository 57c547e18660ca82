using System.Text.Json.Serialization;
using InternS1.Batch.Contracts.Chat;

namespace InternS1.Batch.Http.Serve.Wire;

/// <summary>The assistant message of a <see cref="ResponseChoice"/>: the answer; the thinking under both names
/// servers use (<c>reasoning_content</c>: LMDeploy, SGLang; <c>reasoning</c>: vLLM), left out when the model did
/// not think; the tool calls in OpenAI's shape, left out when there are none.</summary>
public sealed record ResponseMessage
{
    [JsonPropertyName("role")]
    public string Role { get; init; } = "assistant";

    /// <summary>The answer; <c>null</c> when it is empty and the model called tools (as OpenAI writes it).</summary>
    [JsonPropertyName("content")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Content { get; init; }

    [JsonPropertyName("reasoning_content")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReasoningContent { get; init; }

    [JsonPropertyName("reasoning")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reasoning { get; init; }

    [JsonPropertyName("tool_calls")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }
}
