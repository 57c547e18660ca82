using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Events;

/// <summary>Event: a job's result was committed. Published after the commit, for pipeline
/// producers that want to react (optional; see <c>Worker:PublishEvents</c>).</summary>
public sealed record PromptJobCompleted
{
    [JsonPropertyName("job_id")]
    public required string JobId { get; init; }

    [JsonPropertyName("dataset")]
    public required string Dataset { get; init; }

    [JsonPropertyName("custom_id")]
    public required string CustomId { get; init; }

    /// <summary><c>stop</c>, <c>length</c>, <c>tool_calls</c> or <c>deadline</c>.</summary>
    [JsonPropertyName("finish_reason")]
    public required string FinishReason { get; init; }

    [JsonPropertyName("usage")]
    public required TokenUsageInfo Usage { get; init; }

    [JsonPropertyName("completed_at")]
    public DateTimeOffset CompletedAt { get; init; }
}
