using System.Diagnostics;
using InternS1.Batch.Contracts.Events;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Storage.Entities;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Telemetry;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Worker.Consumers;

/// <summary>
/// How one delivery of <see cref="SubmitPromptJobConsumer"/> ends: a result or a dead letter handed to the
/// <see cref="ResultWriter"/> (awaited until committed; the wait ignores shutdown, the work is done), the metrics, the
/// log line, and the optional <c>PromptJobCompleted</c> / <c>PromptJobFailed</c> event. Records carry the delivery's
/// content hash, so they land only in a row that still holds this content.
/// </summary>
internal sealed class JobEndings(
    ConsumeContext<SubmitPromptJob> context,
    ResultWriter writer,
    WorkerMetrics metrics,
    TimeProvider time,
    WorkerOptions options,
    ILogger logger,
    string payload,
    string payloadHash,
    Stopwatch started)
{
    public string PayloadHash => payloadHash;

    public async Task CompletedAsync(ResultRecord record, JobCompletion completion)
    {
        var job = context.Message;
        await writer.WriteResultAsync(record, CancellationToken.None).ConfigureAwait(false);
        metrics.Completed(completion.Usage, started.Elapsed);
        await PublishAsync(new PromptJobCompleted
        {
            JobId = job.JobId, Dataset = job.Dataset, CustomId = job.CustomId,
            FinishReason = completion.FinishReason, Usage = completion.Usage, CompletedAt = time.GetUtcNow(),
        }).ConfigureAwait(false);
    }

    public async Task DeadLetterAsync(string jobId, string reasonCode, string message, int attempts)
    {
        var job = context.Message;
        await writer.WriteDeadLetterAsync(new DeadLetterRecord
        {
            JobId = jobId,
            PayloadHash = payloadHash,
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
        await PublishAsync(new PromptJobFailed
        {
            JobId = jobId, Dataset = job.Dataset ?? "", CustomId = job.CustomId,
            ReasonCode = reasonCode, Message = message, FailedAt = time.GetUtcNow(),
        }).ConfigureAwait(false);
    }

    private async Task PublishAsync<T>(T @event) where T : class
    {
        if (!options.PublishEvents)
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
}
