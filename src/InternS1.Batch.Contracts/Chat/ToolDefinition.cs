using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Chat;

/// <summary>An OpenAI function tool: <c>{"type":"function","function":{name, description, parameters}}</c>.</summary>
public sealed record ToolDefinition
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "function";

    [JsonPropertyName("function")]
    public required FunctionDefinition Function { get; init; }
}

/// <summary>The function part of a tool definition; <c>parameters</c> is a JSON Schema object.</summary>
public sealed record FunctionDefinition
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("parameters")]
    public JsonElement? Parameters { get; init; }
}
