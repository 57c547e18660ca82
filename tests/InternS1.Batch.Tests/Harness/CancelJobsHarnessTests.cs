using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Worker.Cancellation;
using InternS1.Batch.Worker.Consumers;
using Microsoft.Extensions.DependencyInjection;

namespace InternS1.Batch.Tests.Harness;

/// <summary>
/// The consumer's side of a cancel, through the in-memory harness and the real PostgreSQL: a running job named by a
/// <see cref="CancelJobs"/> is aborted and its message acknowledged with the job <c>cancelled</c> (no result, no dead
/// letter, no retry); a job of another dataset runs on; a job already cancelled in the database is acknowledged
/// without being executed. (The broadcast over RabbitMQ is covered by the process test of <c>interns1 cancel</c>.)
/// </summary>
[Trait("Category", "Service")]
public class CancelJobsHarnessTests(ScratchDatabase db) : IClassFixture<ScratchDatabase>
{
    private static SubmitPromptJob Text(string jobId, string dataset) => JobPayload.Deserialize(Jobs.Text(jobId, dataset, "c", "a slow job").ToJsonString());

    [Fact]
    public async Task A_running_job_named_by_a_cancel_is_aborted_and_acknowledged_as_cancelled_while_other_datasets_run_on()
    {
        // Each execution takes 3 s unless cancelled.
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor { Delay = TimeSpan.FromSeconds(3) });
        var running = worker.Host.Services.GetRequiredService<RunningJobCancellations>();
        await worker.SendAsync(Text("hc-stop", "hc-stop"));
        await worker.SendAsync(Text("hc-keep", "hc-keep"));
        await TestServices.WaitUntilAsync(() => Task.FromResult(running.Count == 2), TimeSpan.FromSeconds(30), () => Task.FromResult($"{running.Count} registered"));
        await TestServices.WaitUntilAsync(async () => (await db.JobAsync("hc-stop"))?.Status == "running", TimeSpan.FromSeconds(30), () => Task.FromResult("hc-stop never ran"));

        Assert.Equal(1, running.Cancel(new CancelJobs { Dataset = "hc-stop", CancellationId = 1, RequestedBy = "test" }));
        Assert.Equal(0, running.Cancel(new CancelJobs { JobId = "hc-nothing-here", RequestedBy = "test" }));

        var consumer = worker.Harness.GetConsumerHarness<SubmitPromptJobConsumer>();
        Assert.True(await consumer.Consumed.Any<SubmitPromptJob>(m => m.Context.Message.JobId == "hc-stop"));
        Assert.True(await consumer.Consumed.Any<SubmitPromptJob>(m => m.Context.Message.JobId == "hc-keep"));
        var stopped = consumer.Consumed.Select<SubmitPromptJob>(m => m.Context.Message.JobId == "hc-stop").Single();
        Assert.Null(stopped.Exception);
        Assert.Equal(("cancelled", 1), await db.JobAsync("hc-stop"));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM results WHERE job_id = 'hc-stop'"));
        Assert.Null(await db.DeadLetterAsync("hc-stop"));
        Assert.Equal(1, worker.Executor.Executions["hc-stop"]);

        await TestServices.WaitUntilAsync(async () => (await db.JobAsync("hc-keep"))?.Status == "succeeded", TimeSpan.FromSeconds(30), () => Task.FromResult("hc-keep did not finish"));
        Assert.Equal(0, running.Count);
    }

    [Fact]
    public async Task A_job_already_cancelled_in_the_database_is_acknowledged_without_work()
    {
        await Database.ExecuteAsync(db.ConnectionString, """
            INSERT INTO datasets (name, created_at) VALUES ('hc-gone', now());
            INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload, created_at, finished_at)
            VALUES ('hc-gone', 'hc-gone', 'c', 'cancelled', 0, 0, '{}', now(), now());
            """);
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        var consumed = await worker.ConsumeAsync(Text("hc-gone", "hc-gone"));

        Assert.Null(consumed.Exception);
        Assert.False(worker.Executor.Executions.ContainsKey("hc-gone"));
        Assert.Equal(("cancelled", 0), await db.JobAsync("hc-gone"));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM results WHERE job_id = 'hc-gone'"));
    }
}
