using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>The assistant message of a <see cref="ChatCompletionChoice"/>: the answer, the thinking
/// (vLLM's <c>reasoning_content</c>) and the tool calls, the last two left out when there are none.</summary>
public sealed record ChatCompletionMessage
{
    [JsonPropertyName("role")]
    public string Role { get; init; } = "assistant";

    [JsonPropertyName("content")]
    public required string Content { get; init; }

    [JsonPropertyName("reasoning_content")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReasoningContent { get; init; }

    /// <summary>OpenAI-shaped tool calls (a non-empty JSON array). NOTE: kept as the stored JSON, not re-typed,
    /// so export writes exactly what the completion parser recorded.</summary>
    [JsonPropertyName("tool_calls")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? ToolCalls { get; init; }
}
