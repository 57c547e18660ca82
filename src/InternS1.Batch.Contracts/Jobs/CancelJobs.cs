using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Jobs;

/// <summary>
/// Command, broadcast to every worker: stop the in-flight jobs of a dataset (or one job). Published by
/// <c>interns1 cancel</c> to the fanout exchange <c>{queue}_cancel</c> after the jobs were marked
/// <c>cancelled</c> in the database; each worker receives it on its own auto-delete queue, aborts the
/// matching jobs it is running (the engine frees their KV blocks) and acknowledges their messages.
/// Exactly one of <see cref="Dataset"/> and <see cref="JobId"/> is set. Safe to repeat.
/// </summary>
public sealed record CancelJobs
{
    /// <summary>Cancel every in-flight job of this dataset.</summary>
    [JsonPropertyName("dataset")]
    public string? Dataset { get; init; }

    /// <summary>Cancel this one job.</summary>
    [JsonPropertyName("job_id")]
    public string? JobId { get; init; }

    /// <summary>The <c>cancellations</c> row that recorded the request (0 when not recorded).</summary>
    [JsonPropertyName("cancellation_id")]
    public long CancellationId { get; init; }

    /// <summary>Who asked (user@host for the CLI).</summary>
    [JsonPropertyName("requested_by")]
    public string? RequestedBy { get; init; }

    [JsonPropertyName("requested_at")]
    public DateTimeOffset RequestedAt { get; init; }

    /// <summary>True when the command names a job of <paramref name="dataset"/> with id <paramref name="jobId"/>.</summary>
    public bool Matches(string jobId, string dataset)
        => JobId is not null ? string.Equals(JobId, jobId, StringComparison.Ordinal) : Dataset is not null && string.Equals(Dataset, dataset, StringComparison.Ordinal);
}
