using System.Text.Json.Serialization;
using InternS1.Batch.Contracts.Chat;

namespace InternS1.Batch.Http.Serve.Wire;

/// <summary>A tool call in a chunk (OpenAI's streaming shape: the call's <c>index</c> in the message, its id, and
/// its function with the whole arguments text — each call comes whole, in one chunk).</summary>
public sealed record ToolCallDelta
{
    [JsonPropertyName("index")]
    public int Index { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("type")]
    public string Type { get; init; } = "function";

    [JsonPropertyName("function")]
    public required FunctionCall Function { get; init; }
}
