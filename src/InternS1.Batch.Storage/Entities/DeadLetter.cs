namespace InternS1.Batch.Storage.Entities;

/// <summary>
/// A row of <c>dead_letters</c>: why a job (or an unreadable message) ended without a result.
/// At most one open row (<c>requeued_at</c> null) per <c>job_id</c>. A message whose job id cannot be
/// read is keyed <c>message:{MessageId}</c>.
/// </summary>
public sealed class DeadLetter
{
    public long Id { get; set; }

    public required string JobId { get; set; }

    public string? Dataset { get; set; }

    public string? CustomId { get; set; }

    /// <summary>A stable code from <c>FailureReasons</c>.</summary>
    public required string ReasonCode { get; set; }

    /// <summary>Human-readable, names the field or part at fault.</summary>
    public required string Message { get; set; }

    /// <summary>Exception type and message (and stack) for faults; null for rejected input.</summary>
    public string? Exception { get; set; }

    /// <summary>The message body as JSON (jsonb); a body that is not JSON is stored as
    /// <c>{"raw_base64": "..."}</c>.</summary>
    public required string Payload { get; set; }

    public int Attempts { get; set; }

    /// <summary>Where it was recorded: <c>consumer</c>, <c>error_queue</c> or <c>skipped_queue</c>.</summary>
    public required string Source { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Set by <c>interns1 dead-letters requeue</c> when the job was published again.</summary>
    public DateTime? RequeuedAt { get; set; }
}
