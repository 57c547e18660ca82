using InternS1.Batch.Contracts.Chat;

namespace InternS1.Batch.Remote.Requests;

/// <summary>One chat turn of a <see cref="RemoteChatRequest"/>: a role and its parts (text, images and
/// videos as <c>data:</c> URLs), plus the assistant and tool fields of the OpenAI chat format.</summary>
public sealed record RemoteMessage
{
    /// <summary><c>system</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</summary>
    public required string Role { get; init; }

    /// <summary>The parts in order. A message made of one text part is sent as a plain string.</summary>
    public IReadOnlyList<RemoteContentPart> Content { get; init; } = [];

    /// <summary>An assistant turn's earlier reasoning (sent as the flavor's reasoning field).</summary>
    public string? ReasoningContent { get; init; }

    /// <summary>Tool calls made by an assistant turn.</summary>
    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }

    /// <summary>For a <c>tool</c> turn: the id of the call it answers.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>Optional speaker or tool name.</summary>
    public string? Name { get; init; }

    /// <summary>A turn made of one text part.</summary>
    public static RemoteMessage FromText(string role, string text) => new() { Role = role, Content = [new RemoteContentPart.Text(text)] };
}
