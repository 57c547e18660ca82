namespace InternS1.Text.Tokenization;

/// <summary>A run of characters of a rendered prompt that came from the caller's data (message content, tool calls,
/// tool results, tool definitions), not from the chat template itself.</summary>
/// <param name="Start">Index of the first character in <see cref="SegmentedText.Text"/>.</param>
/// <param name="Length">Number of characters (always positive).</param>
/// <param name="Source">Where the text came from, as a path into the template variables: <c>messages[1].content</c>,
/// <c>messages[2].tool_calls[0].function.arguments</c>, <c>tools[0].function.description</c>; object keys end in
/// <c> (key)</c>.</param>
public readonly record struct ContentSpan(int Start, int Length, string Source)
{
    /// <summary>Index just past the last character.</summary>
    public int End => Start + Length;
}
