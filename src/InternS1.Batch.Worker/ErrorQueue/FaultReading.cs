using InternS1.Batch.Storage.Writing;

namespace InternS1.Batch.Worker.ErrorQueue;

/// <summary>
/// What <see cref="FaultedMessage.Read"/> made of a message from an error queue: the dead letter it would be,
/// plus the facts the <see cref="FaultAttribution"/> checks against the ledger before the record may end a job.
/// </summary>
/// <param name="Record">The dead letter, keyed by the job id the body names (when usable) or by the message.</param>
/// <param name="MessageKey">The key of the message itself: <c>message:{id}</c> (envelope or AMQP message id, else a
/// hash of the body).</param>
/// <param name="ClaimedJobId">The usable job id the body names, or null.</param>
/// <param name="IsReadFailure">The message could not be read as a job (malformed, or skipped): no consumer ever
/// began the job it names.</param>
/// <param name="JobJson">The job as JSON when it could be read as such (for comparison with the stored payload).</param>
/// <param name="HasFaultHeaders">MassTransit's fault headers are present (<c>MT-Fault-ExceptionType</c>).</param>
public sealed record FaultReading(
    DeadLetterRecord Record,
    string MessageKey,
    string? ClaimedJobId,
    bool IsReadFailure,
    string? JobJson,
    bool HasFaultHeaders);
