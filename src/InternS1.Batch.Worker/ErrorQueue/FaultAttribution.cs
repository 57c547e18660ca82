using InternS1.Batch.Storage.Entities;
using InternS1.Batch.Storage.Ledger;
using InternS1.Batch.Storage.Writing;

namespace InternS1.Batch.Worker.ErrorQueue;

/// <summary>
/// Decides, against the ledger, whether a message from an error queue may end the job its body names. Anyone
/// allowed to publish to <c>&lt;queue&gt;_error</c>, or to send a broken message naming someone else's job, can
/// make such a message; only MassTransit's fault for a delivery this worker began may end a job:
/// <list type="bullet">
/// <item>a fault of the consumer (it ran the job): the job is <c>running</c> here and has no result; or it never
/// started (<c>queued</c>) and the message is exactly its stored payload (the database was down when the delivery
/// began). A job that already ended (a result, a terminal status) is left alone and the fault ignored.</item>
/// <item>a message that could not be read as a job (malformed, or of another type): no consumer began any job with
/// it, so only when the message is exactly the stored payload of a job that has not ended.</item>
/// </list>
/// Anything else is recorded under the message's own key, with no dataset and no custom_id, so it is kept
/// (nothing is lost) but can neither end nor show up in another job's dataset.
/// </summary>
public sealed class FaultAttribution(JobStateReader jobs)
{
    /// <summary>What to do with a reading: the record to write (null: ignore the message) and why.</summary>
    public async Task<FaultVerdict> DecideAsync(FaultReading reading, CancellationToken cancellationToken)
    {
        if (reading.ClaimedJobId is not { } jobId)
            return Unattributed(reading, "the message names no usable job_id");
        var state = await jobs.FindAsync(jobId, reading.JobJson, cancellationToken).ConfigureAwait(false);
        var ended = state is not null && (state.HasResult || JobStatus.IsTerminal(state.Status));

        if (reading.IsReadFailure)
        {
            return state is { SamePayload: true } && !ended
                ? new FaultVerdict(FaultVerdictKind.Attributed, reading.Record, $"the message is the stored payload of job '{jobId}'")
                : Unattributed(reading, state is null
                    ? $"job '{jobId}' does not exist here"
                    : $"job '{jobId}' is {Describe(state)} here and the message is not its stored payload");
        }
        if (!reading.HasFaultHeaders)
            return Unattributed(reading, "the message carries no MassTransit fault headers");
        if (state is null)
            return Unattributed(reading, $"job '{jobId}' does not exist here");
        if (ended)
            return new FaultVerdict(FaultVerdictKind.Ignored, null, $"job '{jobId}' already ended ({Describe(state)}); a fault cannot end it again");
        if (state.Status == JobStatus.Running)
            return new FaultVerdict(FaultVerdictKind.Attributed, reading.Record, $"job '{jobId}' is running here");
        return state.SamePayload
            ? new FaultVerdict(FaultVerdictKind.Attributed, reading.Record, $"job '{jobId}' never started and the message is its stored payload")
            : Unattributed(reading, $"job '{jobId}' is {state.Status} here, not running, and the message is not its stored payload");
    }

    private static string Describe(JobState state) => state.HasResult && state.Status != JobStatus.Succeeded ? $"{state.Status} with a result" : state.Status;

    private static FaultVerdict Unattributed(FaultReading reading, string why)
    {
        var record = reading.Record with
        {
            JobId = reading.MessageKey,
            Dataset = null,
            CustomId = null,
            Message = reading.ClaimedJobId is null ? reading.Record.Message : $"{reading.Record.Message} [not attributed: {why}]",
            FinalStatus = JobStatus.DeadLettered,
        };
        return new FaultVerdict(FaultVerdictKind.Unattributed, record, why);
    }
}
