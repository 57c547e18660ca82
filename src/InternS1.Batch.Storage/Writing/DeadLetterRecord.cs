using InternS1.Batch.Storage.Entities;

namespace InternS1.Batch.Storage.Writing;

/// <summary>A job (or unreadable message) that ends without a result, as handed to <see cref="ResultWriter"/>.</summary>
public sealed record DeadLetterRecord
{
    /// <summary>The job id, or <c>message:{MessageId}</c> when the message has no readable job id.</summary>
    public required string JobId { get; init; }
    /// <summary>The content hash of the delivery that failed; when set, the dead letter is written only while the job
    /// row has this hash (or none). Null: not checked (the error-queue recorder).</summary>
    public string? PayloadHash { get; init; }

    public string? Dataset { get; init; }
    public string? CustomId { get; init; }

    /// <summary>A code from <c>FailureReasons</c>.</summary>
    public required string ReasonCode { get; init; }
    public required string Message { get; init; }
    public string? Exception { get; init; }

    /// <summary>The message as JSON (an object or array); use <see cref="DeadLetterPayload"/> for bodies that are not JSON.</summary>
    public required string PayloadJson { get; init; }
    public int Attempts { get; init; }

    /// <summary>The terminal <c>jobs.status</c> to set: <see cref="JobStatus.DeadLettered"/>,
    /// <see cref="JobStatus.Failed"/> or <see cref="JobStatus.Expired"/>.</summary>
    public string FinalStatus { get; init; } = JobStatus.DeadLettered;

    /// <summary><c>consumer</c>, <c>error_queue</c> or <c>skipped_queue</c>.</summary>
    public string Source { get; init; } = DeadLetterSources.Consumer;
}
