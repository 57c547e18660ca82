using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Chat;

/// <summary>
/// One chat turn: <c>{"role": "user", "content": "..." | [parts]}</c>. Roles are
/// <c>system</c>, <c>user</c>, <c>assistant</c> and <c>tool</c>.
/// </summary>
public sealed record ChatMessage
{
    [JsonPropertyName("role")]
    public required string Role { get; init; }

    /// <summary>A plain string, or a list of typed parts (text, image, video).</summary>
    [JsonPropertyName("content")]
    public MessageContent? Content { get; init; }

    /// <summary>Previous reasoning of an assistant turn (rendered by templates that keep it).</summary>
    [JsonPropertyName("reasoning_content")]
    public string? ReasoningContent { get; init; }

    /// <summary>Tool calls made by an assistant turn (OpenAI shape).</summary>
    [JsonPropertyName("tool_calls")]
    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }

    /// <summary>For a <c>tool</c> turn: the id of the call this answers.</summary>
    [JsonPropertyName("tool_call_id")]
    public string? ToolCallId { get; init; }

    /// <summary>Optional speaker or tool name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }
}
