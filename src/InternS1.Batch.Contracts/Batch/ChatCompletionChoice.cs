using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>One choice of a <see cref="ChatCompletion"/> (a job has exactly one, index 0).</summary>
public sealed record ChatCompletionChoice
{
    [JsonPropertyName("index")]
    public int Index { get; init; }

    [JsonPropertyName("message")]
    public required ChatCompletionMessage Message { get; init; }

    /// <summary><c>stop</c>, <c>length</c>, <c>tool_calls</c> or <c>deadline</c>.</summary>
    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; init; }

    /// <summary>Always written as <c>null</c> (log probabilities are not recorded).</summary>
    [JsonPropertyName("logprobs")]
    public JsonElement? Logprobs { get; init; }
}
