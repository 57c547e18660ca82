using System.Diagnostics;
using System.Text.Json;
using InternS1.Batch.Contracts.Events;
using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Storage.Cancelling;
using InternS1.Batch.Storage.Entities;
using InternS1.Batch.Storage.Ledger;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Worker.Cancellation;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Telemetry;
using InternS1.Batch.Worker.Validation;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Worker.Consumers;

/// <summary>
/// Runs one job: intake paused (<see cref="IntakeGate"/>)? wait, before anything is spent (PostgreSQL unreachable
/// during the job: <see cref="DatabaseIntakeSource"/> pauses intake, the delivery waits and starts over). Already ended? ack. Its job
/// id taken by another job (another dataset, custom_id or content)? a dead letter of its own (<c>duplicate_job_id</c>),
/// ack. Rejected (invalid field, duplicate custom_id, deadline passed)? write the dead letter, ack. Execute through
/// <see cref="IPromptJobExecutor"/> (alone in the worker when an earlier delivery crashed one: <see cref="CrashIsolation"/>);
/// a structured answer is then judged by <see cref="StructuredResultValidator"/>.
/// Hand the outcome to the <see cref="ResultWriter"/> and await the commit. Return (MassTransit acks). Transient faults
/// throw and are retried by the endpoint's retry policy (see <see cref="SubmitPromptJobConsumerDefinition"/>);
/// cancellation at shutdown throws and the message goes back to the queue. A job stopped by a <c>CancelJobs</c>
/// broadcast (<see cref="RunningJobCancellations"/>) is acknowledged and stays <c>cancelled</c>: no requeue, no retry,
/// no dead letter.
/// </summary>
public sealed class SubmitPromptJobConsumer(
    IPromptJobExecutor executor,
    JobLedger ledger,
    ResultWriter writer,
    SubmitPromptJobValidator validator,
    StructuredResultValidator structured,
    InFlightJobs inFlightJobs,
    IntakeGate intake,
    DatabaseIntakeSource database,
    CrashIsolation isolation,
    RunningJobCancellations cancellations,
    JobCanceller canceller,
    WorkerMetrics metrics,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    ILogger<SubmitPromptJobConsumer> logger) : IConsumer<SubmitPromptJob>
{
    public async Task Consume(ConsumeContext<SubmitPromptJob> context)
    {
        metrics.Received();
        while (true)
        {
            // 0. Paused? A delivery that arrived just before the endpoint stopped waits here: no attempt is counted and no
            // retry spent; when the endpoint stops for good it is cancelled and its message goes back to the queue.
            await intake.WaitOpenAsync(context.CancellationToken).ConfigureAwait(false);
            try
            {
                await ConsumeOnceAsync(context).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested && database.Report(ex))
            {
                // NOTE: PostgreSQL unreachable is an outage of the worker, not a fault of this job: the report closed the
                // gate, and this delivery waits for it to reopen and starts over, so the outage spends none of the job's
                // retry intervals (a waiting delivery holds its prefetch slot; when the endpoint stop cancels it, its
                // message goes back to the queue, also without a retry). Every start still counts in jobs.attempts.
                logger.LogInformation("Job {JobId}: PostgreSQL unreachable; waiting for intake to resume, then starting over", context.Message.JobId);
            }
        }
    }

    private async Task ConsumeOnceAsync(ConsumeContext<SubmitPromptJob> context)
    {
        var job = context.Message;
        var started = Stopwatch.StartNew();
        var json = JobPayload.SerializeToUtf8Bytes(job);
        var payload = System.Text.Encoding.UTF8.GetString(json);
        var hash = JobContentHash.ComputeFromPayload(json);
        var endings = new JobEndings(context, writer, metrics, time, options.Value, logger, payload, hash, started);
        using var inFlight = metrics.InFlight();

        if (validator.ValidateIdentity(job) is { } badIdentity)
        {
            // Identity fields that cannot key a row: the job is keyed by its message, never by a job id that may be
            // another job's; a usable dataset still counts it.
            var key = $"message:{context.MessageId?.ToString()
                ?? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(payload)))[..32]}";
            if (JobIdentity.IsUsableDataset(job.Dataset))
                await ledger.RecordEndedAsync(Admission(job, payload, hash) with { JobId = key, CustomId = JobIdentity.Storable(job.CustomId) },
                    context.CancellationToken).ConfigureAwait(false);
            await endings.DeadLetterAsync(key, badIdentity.ReasonCode, badIdentity.Message, attempts: 1).ConfigureAwait(false);
            return;
        }

        using var claim = await inFlightJobs.ClaimAsync(job.JobId, context.CancellationToken).ConfigureAwait(false);
        // Registered before the ledger read, so a cancel broadcast that arrives from here on reaches this delivery.
        using var cancellation = cancellations.Register(job.JobId, job.Dataset, context.CancellationToken);
        // A redelivery whose earlier delivery died with its worker runs alone (and is not started before it may).
        var suspect = context.ReceiveContext.Redelivered
                      && (await ledger.PeekAsync(job.JobId, isolation.InstanceId, context.CancellationToken).ConfigureAwait(false))?.Suspect == true;
        var lease = await isolation.EnterAsync(suspect, context.CancellationToken).ConfigureAwait(false);
        try
        {
            // 1. Already ended? (the unique keys make this safe under races; this only saves the work)
            var start = await ledger.BeginAsync(Admission(job, payload, hash) with { AttemptOwner = isolation.InstanceId },
                context.CancellationToken).ConfigureAwait(false);
            switch (start.Kind)
            {
                case JobStartKind.AlreadyFinished:
                    metrics.Duplicate();
                    logger.LogInformation("Job {JobId} already ended ({Status}); acknowledged without work", job.JobId, start.Status);
                    return;
                case JobStartKind.Superseded:
                    metrics.Duplicate();
                    logger.LogInformation("Job {JobId}: this content was superseded by interns1 submit --replace; acknowledged without work", job.JobId);
                    return;
                case JobStartKind.IdentityConflict:
                    await DuplicateJobIdAsync(endings, job, payload, hash, context.CancellationToken).ConfigureAwait(false);
                    return;
                case JobStartKind.DuplicateCustomId:
                    await endings.DeadLetterAsync(job.JobId, FailureReasons.DuplicateCustomId,
                        $"custom_id: '{job.CustomId}' is already used in dataset '{job.Dataset}' by job '{start.ConflictingJobId}'", start.Attempts).ConfigureAwait(false);
                    return;
            }
            if (!suspect && start.Crashes > 0)
            {
                // Crash evidence found only now (a first delivery of a job another copy of which crashed a worker).
                lease.Dispose();
                lease = await isolation.EnterAsync(true, context.CancellationToken).ConfigureAwait(false);
                suspect = true;
            }
            if (suspect)
                logger.LogWarning("Job {JobId} was running when a worker died ({Crashes} time(s)); running it alone (attempt {Attempts})",
                    job.JobId, start.Crashes, start.Attempts);
            try
            {
                await RunAsync(context, endings, start, cancellation).ConfigureAwait(false);
            }
            catch
            {
                // Not a crash: the next delivery must not count one (best effort; the database may be the fault).
                await ReleaseQuietlyAsync(job.JobId).ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            lease.Dispose();
        }
    }

    private async Task RunAsync(ConsumeContext<SubmitPromptJob> context, JobEndings endings, JobStart start, JobCancellationScope cancellation)
    {
        var job = context.Message;
        if (start.Attempts > options.Value.MaxAttempts)
        {
            await endings.DeadLetterAsync(job.JobId, FailureReasons.EngineError,
                $"job: started {start.Attempts} times without ending (did the worker crash on it?); the limit is Worker:MaxAttempts = {options.Value.MaxAttempts}",
                start.Attempts).ConfigureAwait(false);
            return;
        }

        // 2. Rejected?
        if (validator.Validate(job) is { } rejection)
        {
            await endings.DeadLetterAsync(job.JobId, rejection.ReasonCode, rejection.Message, start.Attempts).ConfigureAwait(false);
            return;
        }
        if (job.Deadline is { } deadline && deadline <= time.GetUtcNow())
        {
            await endings.DeadLetterAsync(job.JobId, FailureReasons.DeadlineExpired,
                $"deadline: {deadline:O} passed before the job could start", start.Attempts).ConfigureAwait(false);
            return;
        }

        // 3. Execute (a cancel of the job aborts it; a shutdown hands the message back).
        JobOutcome outcome;
        try
        {
            outcome = await executor.ExecuteAsync(job, cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancelled)
        {
            // NOTE: normally interns1 cancel marked the job already; this covers a job that began after its transaction.
            await canceller.MarkCancelledAsync(job.JobId, CancellationToken.None).ConfigureAwait(false);
            logger.LogInformation("Job {JobId} of {Dataset} cancelled while running; acknowledged", job.JobId, job.Dataset);
            return;
        }
        if (outcome is JobOutcome.Completed completed)
            outcome = new JobOutcome.Completed(structured.Validate(job, completed.Completion)); // whichever executor produced it

        // 4. Commit (the wait ignores shutdown: the work is done, keep it).
        switch (outcome)
        {
            case JobOutcome.Completed { Completion: var c }:
                await endings.CompletedAsync(ToRecord(job.JobId, c) with { PayloadHash = endings.PayloadHash }, c).ConfigureAwait(false);
                break;
            case JobOutcome.Rejected r:
                await endings.DeadLetterAsync(job.JobId, r.ReasonCode, r.Message, start.Attempts).ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"The executor returned an unknown outcome {outcome?.GetType().Name ?? "null"} for job {job.JobId}.");
        }
    }

    /// <summary>The job id belongs to another job: this newcomer gets a row and a dead letter of its own in its dataset,
    /// keyed <c>dup:</c>; the holder is not touched (and not named: it may be another dataset's).</summary>
    private async Task DuplicateJobIdAsync(JobEndings endings, SubmitPromptJob job, string payload, string hash, CancellationToken cancellationToken)
    {
        var key = JobIdentity.DuplicateKey(job.JobId, hash);
        await ledger.RecordEndedAsync(Admission(job, payload, hash) with { JobId = key }, cancellationToken).ConfigureAwait(false);
        await endings.DeadLetterAsync(key, FailureReasons.DuplicateJobId,
            $"job_id: '{job.JobId}' already belongs to another job (another dataset, custom_id or content); recorded as '{key}'. " +
            "Job ids must be unique across datasets; leave job_id out to let submit derive one", attempts: 1).ConfigureAwait(false);
    }

    private async Task ReleaseQuietlyAsync(string jobId)
    {
        try
        {
            await ledger.ReleaseAsync(jobId, isolation.InstanceId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Could not record that the delivery of job {JobId} ended without a crash", jobId);
        }
    }

    private static JobAdmission Admission(SubmitPromptJob job, string payload, string hash) => new()
    {
        JobId = job.JobId, Dataset = job.Dataset, CustomId = job.CustomId,
        Priority = job.Priority, Deadline = job.Deadline, PayloadJson = payload, PayloadHash = hash,
    };

    /// <summary>The row of a completion as the result writer stores it (also for the serve endpoint's requests).</summary>
    public static ResultRecord ToRecord(string jobId, JobCompletion c) => new()
    {
        JobId = jobId,
        Content = c.Content,
        ReasoningContent = c.ReasoningContent,
        ToolCallsJson = JsonSerializer.Serialize(c.ToolCalls),
        FinishReason = c.FinishReason,
        Model = c.Model,
        Seed = c.Seed,
        ThinkingIgnored = c.ThinkingIgnored,
        Usage = c.Usage,
        QueueMs = c.QueueTime.TotalMilliseconds,
        PrefillMs = c.PrefillTime.TotalMilliseconds,
        DecodeMs = c.DecodeTime.TotalMilliseconds,
        StructuredValid = c.StructuredValid,
        StructuredError = c.StructuredError,
    };
}
