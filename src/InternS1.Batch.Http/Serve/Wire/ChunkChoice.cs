using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Batch.Http.Serve.Wire;

/// <summary>The one choice of a <see cref="ChatCompletionChunk"/>: what is new, and the finish reason on the last.</summary>
public sealed record ChunkChoice
{
    [JsonPropertyName("index")]
    public int Index { get; init; }

    [JsonPropertyName("delta")]
    public required ChunkDelta Delta { get; init; }

    [JsonPropertyName("logprobs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public JsonElement? Logprobs { get; init; }

    /// <summary><c>null</c> until the last delta: then <c>stop</c>, <c>length</c> or <c>tool_calls</c>.</summary>
    [JsonPropertyName("finish_reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; }
}
