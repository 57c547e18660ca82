namespace InternS1.Batch.Storage.Entities;

/// <summary>A row of <c>cancellations</c>: one <c>interns1 cancel</c> request (who, when, what, how many jobs
/// it moved to <c>cancelled</c>). Exactly one of <see cref="Dataset"/> and <see cref="JobId"/> is set.</summary>
public sealed class Cancellation
{
    public long Id { get; set; }

    /// <summary>The dataset cancelled (<c>--dataset</c>), or null for one job.</summary>
    public string? Dataset { get; set; }

    /// <summary>The job cancelled (<c>--job</c>), or null for a dataset.</summary>
    public string? JobId { get; set; }

    /// <summary>Who asked: user@host of the CLI.</summary>
    public required string RequestedBy { get; set; }

    public DateTime RequestedAt { get; set; }

    /// <summary>Jobs this request moved from queued/running to cancelled (0 for a repeat).</summary>
    public int JobsCancelled { get; set; }
}
