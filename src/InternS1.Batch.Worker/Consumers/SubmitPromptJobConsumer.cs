using System.Diagnostics;
using System.Text.Json;
using InternS1.Batch.Contracts.Events;
using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Storage.Entities;
using InternS1.Batch.Storage.Ledger;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Telemetry;
using InternS1.Batch.Worker.Validation;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Worker.Consumers;

/// <summary>
/// Runs one job: already ended? ack. Rejected (invalid field, duplicate custom_id, deadline passed)?
/// write the dead letter, ack. Execute through <see cref="IPromptJobExecutor"/> (a structured answer is then judged by
/// <see cref="StructuredResultValidator"/>). Hand the outcome to the
/// <see cref="ResultWriter"/> and await the commit. Return (MassTransit acks). Transient faults throw and
/// are retried by the endpoint's retry policy (see <see cref="SubmitPromptJobConsumerDefinition"/>);
/// cancellation at shutdown throws and the message goes back to the queue.
/// </summary>
public sealed class SubmitPromptJobConsumer(
    IPromptJobExecutor executor,
    JobLedger ledger,
    ResultWriter writer,
    SubmitPromptJobValidator validator,
    StructuredResultValidator structured,
    InFlightJobs inFlightJobs,
    WorkerMetrics metrics,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    ILogger<SubmitPromptJobConsumer> logger) : IConsumer<SubmitPromptJob>
{
    public async Task Consume(ConsumeContext<SubmitPromptJob> context)
    {
        var job = context.Message;
        var started = Stopwatch.StartNew();
        var payload = JobPayload.Serialize(job);
        metrics.Received();
        using var inFlight = metrics.InFlight();

        if (validator.ValidateIdentity(job) is { } badIdentity)
        {
            // A job_id that cannot key a row: the dead letter is keyed by the message instead.
            var messageId = context.MessageId?.ToString()
                ?? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(payload)))[..32].ToLowerInvariant();
            var key = badIdentity.Field == JobIdentity.JobIdField ? $"message:{messageId}" : job.JobId;
            await DeadLetterAsync(context, key, badIdentity.ReasonCode, badIdentity.Message, payload, attempts: 1).ConfigureAwait(false);
            return;
        }

        // 1. Already ended? (the unique keys make this safe under races; this only saves the work)
        using var claim = await inFlightJobs.ClaimAsync(job.JobId, context.CancellationToken).ConfigureAwait(false);
        var start = await ledger.BeginAsync(new JobAdmission
        {
            JobId = job.JobId, Dataset = job.Dataset, CustomId = job.CustomId,
            Priority = job.Priority, Deadline = job.Deadline, PayloadJson = payload,
        }, context.CancellationToken).ConfigureAwait(false);
        if (start.Kind == JobStartKind.AlreadyFinished)
        {
            metrics.Duplicate();
            logger.LogInformation("Job {JobId} already ended ({Status}); acknowledged without work", job.JobId, start.Status);
            return;
        }
        if (start.Kind == JobStartKind.DuplicateCustomId)
        {
            await DeadLetterAsync(context, job.JobId, FailureReasons.DuplicateCustomId,
                $"custom_id: '{job.CustomId}' is already used in dataset '{job.Dataset}' by job '{start.ConflictingJobId}'",
                payload, start.Attempts).ConfigureAwait(false);
            return;
        }

        if (start.Attempts > options.Value.MaxAttempts)
        {
            await DeadLetterAsync(context, job.JobId, FailureReasons.EngineError,
                $"job: started {start.Attempts} times without ending (did the worker crash on it?); the limit is Worker:MaxAttempts = {options.Value.MaxAttempts}",
                payload, start.Attempts).ConfigureAwait(false);
            return;
        }

        // 2. Rejected?
        if (validator.Validate(job) is { } rejection)
        {
            await DeadLetterAsync(context, job.JobId, rejection.ReasonCode, rejection.Message, payload, start.Attempts).ConfigureAwait(false);
            return;
        }
        if (job.Deadline is { } deadline && deadline <= time.GetUtcNow())
        {
            await DeadLetterAsync(context, job.JobId, FailureReasons.DeadlineExpired,
                $"deadline: {deadline:O} passed before the job could start", payload, start.Attempts).ConfigureAwait(false);
            return;
        }

        // 3. Execute; a structured answer is judged here, whichever executor produced it.
        var outcome = await executor.ExecuteAsync(job, context.CancellationToken).ConfigureAwait(false);
        if (outcome is JobOutcome.Completed completed)
            outcome = new JobOutcome.Completed(structured.Validate(job, completed.Completion));

        // 4. Commit (the wait ignores shutdown: the work is done, keep it).
        switch (outcome)
        {
            case JobOutcome.Completed { Completion: var c }:
                await writer.WriteResultAsync(ToRecord(job.JobId, c), CancellationToken.None).ConfigureAwait(false);
                metrics.Completed(c.Usage, started.Elapsed);
                await PublishAsync(context, new PromptJobCompleted
                {
                    JobId = job.JobId, Dataset = job.Dataset, CustomId = job.CustomId,
                    FinishReason = c.FinishReason, Usage = c.Usage, CompletedAt = time.GetUtcNow(),
                }).ConfigureAwait(false);
                break;
            case JobOutcome.Rejected r:
                await DeadLetterAsync(context, job.JobId, r.ReasonCode, r.Message, payload, start.Attempts).ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"The executor returned an unknown outcome {outcome?.GetType().Name ?? "null"} for job {job.JobId}.");
        }
    }

    private async Task DeadLetterAsync(ConsumeContext<SubmitPromptJob> context, string jobId, string reasonCode, string message, string payload, int attempts)
    {
        var job = context.Message;
        await writer.WriteDeadLetterAsync(new DeadLetterRecord
        {
            JobId = jobId,
            Dataset = string.IsNullOrWhiteSpace(job.Dataset) ? null : job.Dataset,
            CustomId = string.IsNullOrWhiteSpace(job.CustomId) ? null : job.CustomId,
            ReasonCode = reasonCode,
            Message = message,
            PayloadJson = payload,
            Attempts = attempts,
            FinalStatus = FailureStatus.For(reasonCode),
            Source = DeadLetterSources.Consumer,
        }, CancellationToken.None).ConfigureAwait(false);
        metrics.DeadLettered(reasonCode);
        logger.LogWarning("Job {JobId} of {Dataset} dead-lettered: {ReasonCode}: {Message}", jobId, job.Dataset, reasonCode, message);
        await PublishAsync(context, new PromptJobFailed
        {
            JobId = jobId, Dataset = job.Dataset ?? "", CustomId = job.CustomId,
            ReasonCode = reasonCode, Message = message, FailedAt = time.GetUtcNow(),
        }).ConfigureAwait(false);
    }

    private async Task PublishAsync<T>(ConsumeContext context, T @event) where T : class
    {
        if (!options.Value.PublishEvents)
            return;
        try
        {
            await context.Publish(@event, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // NOTE: events are at-most-once: the commit already happened, so a failed publish must not
            // turn into a retry of the job (which would find it ended and ack without an event anyway).
            logger.LogWarning(ex, "Publishing {EventType} failed", typeof(T).Name);
        }
    }

    internal static ResultRecord ToRecord(string jobId, JobCompletion c) => new()
    {
        JobId = jobId,
        Content = c.Content,
        ReasoningContent = c.ReasoningContent,
        ToolCallsJson = JsonSerializer.Serialize(c.ToolCalls),
        FinishReason = c.FinishReason,
        Model = c.Model,
        Seed = c.Seed,
        Usage = c.Usage,
        QueueMs = c.QueueTime.TotalMilliseconds,
        PrefillMs = c.PrefillTime.TotalMilliseconds,
        DecodeMs = c.DecodeTime.TotalMilliseconds,
        StructuredValid = c.StructuredValid,
        StructuredError = c.StructuredError,
    };
}
