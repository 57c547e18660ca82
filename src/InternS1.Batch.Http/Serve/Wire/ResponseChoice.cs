using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Batch.Http.Serve.Wire;

/// <summary>The one choice of a <see cref="ChatCompletionResponse"/>.</summary>
public sealed record ResponseChoice
{
    [JsonPropertyName("index")]
    public int Index { get; init; }

    [JsonPropertyName("message")]
    public required ResponseMessage Message { get; init; }

    /// <summary>Always <c>null</c> (log probabilities are not computed).</summary>
    [JsonPropertyName("logprobs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public JsonElement? Logprobs { get; init; }

    /// <summary><c>stop</c>, <c>length</c> or <c>tool_calls</c>.</summary>
    [JsonPropertyName("finish_reason")]
    public required string FinishReason { get; init; }
}
