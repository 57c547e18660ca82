namespace InternS1.Text.Parsing;

/// <summary>An OpenAI-shaped tool call: <c>{"id", "type": "function", "function": {"name", "arguments"}}</c>;
/// <see cref="ArgumentsJson"/> is the JSON text of the arguments object (Python json.dumps style, as LMDeploy emits).</summary>
public sealed record ParsedToolCall(string Id, string Name, string ArgumentsJson)
{
    /// <summary>Always "function".</summary>
    public string Type => "function";
}
