using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Events;

/// <summary>Event: a job ended as a dead letter (its row is committed in <c>dead_letters</c>).</summary>
public sealed record PromptJobFailed
{
    [JsonPropertyName("job_id")]
    public required string JobId { get; init; }

    [JsonPropertyName("dataset")]
    public required string Dataset { get; init; }

    [JsonPropertyName("custom_id")]
    public string? CustomId { get; init; }

    /// <summary>A stable code from <see cref="Failures.FailureReasons"/>.</summary>
    [JsonPropertyName("reason_code")]
    public required string ReasonCode { get; init; }

    /// <summary>Human-readable message naming the field or part at fault.</summary>
    [JsonPropertyName("message")]
    public required string Message { get; init; }

    [JsonPropertyName("failed_at")]
    public DateTimeOffset FailedAt { get; init; }
}
