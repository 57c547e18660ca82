using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Chat;

/// <summary>An OpenAI-shaped tool call: <c>{"id","type":"function","function":{"name","arguments"}}</c>,
/// where <c>arguments</c> is a JSON text.</summary>
public sealed record ToolCall
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("type")]
    public string Type { get; init; } = "function";

    [JsonPropertyName("function")]
    public required FunctionCall Function { get; init; }
}

/// <summary>The function called and its arguments as a JSON text.</summary>
public sealed record FunctionCall
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("arguments")]
    public required string Arguments { get; init; }
}
