namespace InternS1.Batch.Storage.Cancelling;

/// <summary>What a cancel did.</summary>
/// <param name="Found">False when the dataset or job is not in the database (nothing was recorded).</param>
/// <param name="CancellationId">The <c>cancellations</c> row recorded (0 when not found).</param>
/// <param name="RequestedAt">When it was recorded (the database clock).</param>
/// <param name="Cancelled">Jobs moved from queued/running to cancelled by this request.</param>
/// <param name="AlreadyCancelled">Jobs that were cancelled before (a repeat finds them here).</param>
/// <param name="Ended">Jobs that had already ended otherwise (result, dead letter); left as they are.</param>
public sealed record CancelOutcome(bool Found, long CancellationId, DateTime RequestedAt, int Cancelled, int AlreadyCancelled, int Ended)
{
    /// <summary>The outcome of a target that does not exist.</summary>
    public static CancelOutcome NotFound { get; } = new(false, 0, default, 0, 0, 0);
}
