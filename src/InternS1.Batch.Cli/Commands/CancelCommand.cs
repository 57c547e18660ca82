using System.CommandLine;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Storage.Cancelling;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Cli.Commands;

/// <summary>
/// <c>interns1 cancel --dataset NAME | --job ID</c>: marks the unfinished jobs <c>cancelled</c> (one transaction,
/// recorded in <c>cancellations</c>), then broadcasts <see cref="CancelJobs"/> so every worker stops the ones it
/// is running. Jobs with a result or a dead letter are left as they are. Safe to repeat.
/// </summary>
public static class CancelCommand
{
    public static Command Create()
    {
        var dataset = CommonOptions.Dataset(required: false, "Cancel every unfinished job of this dataset");
        var job = new Option<string>("--job", "-j") { Description = "Cancel this one job (its job_id)" };
        var command = new Command("cancel", "Stop a dataset (or one job): queued jobs never run, running ones are aborted; finished results stay")
        {
            dataset, job,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(dataset) is null) == (result.GetValue(job) is null))
                result.AddError("cancel: give exactly one of --dataset NAME and --job ID");
        });
        command.SetAction(async (parseResult, ct) =>
        {
            await using var services = CliServices.Build();
            var request = new CancelRequest
            {
                Dataset = parseResult.GetValue(dataset),
                JobId = parseResult.GetValue(job),
                RequestedBy = $"{Environment.UserName}@{Environment.MachineName}",
            };
            var outcome = await services.GetRequiredService<JobCanceller>().CancelAsync(request, ct);
            if (!outcome.Found)
            {
                Console.Error.WriteLine($"cancel: {request.Describe()} is not in the database");
                return 1;
            }
            Console.WriteLine($"Cancelled {outcome.Cancelled} job(s) of {request.Describe()} (cancellation #{outcome.CancellationId}); " +
                              $"{outcome.AlreadyCancelled} were cancelled before; {outcome.Ended} had ended and keep their result or dead letter.");

            var queue = services.GetRequiredService<IOptions<WorkerOptions>>().Value.QueueName;
            try
            {
                await CancelBroadcaster.PublishAsync(services.GetRequiredService<RabbitMqAddress>(), queue, new CancelJobs
                {
                    Dataset = request.Dataset,
                    JobId = request.JobId,
                    CancellationId = outcome.CancellationId,
                    RequestedBy = request.RequestedBy,
                    RequestedAt = new DateTimeOffset(DateTime.SpecifyKind(outcome.RequestedAt, DateTimeKind.Utc)),
                }, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Console.Error.WriteLine($"cancel: the jobs are cancelled in the database, but the workers of {queue} could not be told ({ex.Message}): " +
                                        "running jobs finish and their results are discarded. Run the same command again to tell them.");
                return 3;
            }
            Console.WriteLine($"Told the workers of {queue} to stop the running ones.");
            return 0;
        });
        return command;
    }
}
