using InternS1.Batch.Contracts.Jobs;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Worker.Cancellation;

/// <summary>
/// Receives a <see cref="CancelJobs"/> broadcast on this worker's own auto-delete queue and fires the
/// cancellation of every matching job it is running (<see cref="RunningJobCancellations"/>). The job consumer
/// then acknowledges those messages with the jobs left <c>cancelled</c>. Jobs not yet started need nothing here:
/// the database already says <c>cancelled</c>, so their deliveries are acknowledged without work.
/// </summary>
public sealed class CancelJobsConsumer(RunningJobCancellations running, ILogger<CancelJobsConsumer> logger) : IConsumer<CancelJobs>
{
    public Task Consume(ConsumeContext<CancelJobs> context)
    {
        var command = context.Message;
        if ((command.Dataset is null) == (command.JobId is null))
        {
            logger.LogWarning("CancelJobs ignored: exactly one of dataset and job_id must be set (dataset: {Dataset}, job_id: {JobId})",
                command.Dataset, command.JobId);
            return Task.CompletedTask;
        }
        var cancelled = running.Cancel(command);
        logger.LogInformation("CancelJobs #{CancellationId} for {Target} by {RequestedBy}: {Cancelled} running job(s) stopped here",
            command.CancellationId, command.Dataset is not null ? $"dataset '{command.Dataset}'" : $"job '{command.JobId}'", command.RequestedBy, cancelled);
        return Task.CompletedTask;
    }
}
