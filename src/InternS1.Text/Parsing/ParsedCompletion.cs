namespace InternS1.Text.Parsing;

/// <summary>Generated text split the way Intern-S1's serving stacks do it (reasoning, content, tool calls).</summary>
/// <param name="ReasoningContent">Text of the think block (one leading and one trailing newline removed), or null.</param>
/// <param name="Content">The answer text; action blocks that were parsed into tool calls are removed from it.</param>
/// <param name="ToolCalls">Tool calls in order of appearance.</param>
/// <param name="FinishReason"><c>stop</c>, <c>length</c> or <c>tool_calls</c>.</param>
/// <param name="HasMalformedToolCall">An action block was found but its JSON did not parse; it was left in Content.</param>
public sealed record ParsedCompletion(
    string? ReasoningContent,
    string Content,
    IReadOnlyList<ParsedToolCall> ToolCalls,
    string FinishReason,
    bool HasMalformedToolCall);
