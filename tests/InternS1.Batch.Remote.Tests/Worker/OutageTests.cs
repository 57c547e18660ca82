using System.Text.Json.Nodes;
using InternS1.Batch.FakeOpenAi;
using InternS1.Batch.Remote.Tests.Infrastructure;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Remote.Tests.Worker;

/// <summary>
/// Every remote endpoint down for 30 s in the middle of a run, then back: the worker pauses its intake (log and
/// readiness say so), resumes by itself, and every job succeeds exactly once; no job becomes a
/// <c>retries_exhausted</c> dead letter although the retries are set to run out within a second.
/// </summary>
[Trait("Category", "Service")]
public class OutageTests
{
    [Fact]
    public async Task Every_endpoint_down_for_30_seconds_mid_run_pauses_the_worker_and_every_job_still_succeeds_exactly_once()
    {
        const int jobs = 60;
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Slots = 2, TokenDelay = TimeSpan.FromMilliseconds(20) });
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_outage", default);
        var queue = env.Queue("outage");
        // Retries that would run out in well under a second: only the pause can carry jobs through 30 s.
        await using var worker = await RemoteWorker.StartAsync(env.ConnectionString, queue, [server.BaseUrl], new Dictionary<string, string?>
        {
            ["Remote:MaxRetryAttempts"] = "2",
            ["Worker:RetryIntervals:0"] = "00:00:00.050",
            ["Worker:RetryIntervals:1"] = "00:00:00.050",
        });
        Assert.Equal(200, (await worker.ReadyAsync()).Status);
        for (var i = 0; i < jobs; i++)
            await Broker.PublishRawAsync(queue, Jobs.Text($"o-{i:D3}", "outage", $"c{i}", $"question number {i}").ToJsonString());
        await TestServices.WaitUntilAsync(async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results") >= 10,
            TimeSpan.FromSeconds(60), () => Task.FromResult(worker.Logs.AllText));

        server.Down = true;
        var downAt = DateTime.UtcNow;
        (int Status, string Body) ready = default;
        // NOTE: the endpoints' own check can fail readiness a moment before the intake gate closes; wait for the pause itself.
        await TestServices.WaitUntilAsync(async () => (ready = await worker.ReadyAsync()).Status == 503
                && (string?)JsonNode.Parse(ready.Body!)!["checks"]!["intake"]!["status"] == "Unhealthy",
            TimeSpan.FromSeconds(15), () => Task.FromResult(ready.Body ?? ""));
        var report = JsonNode.Parse(ready.Body!)!["checks"]!;
        Assert.Equal("Unhealthy", (string?)report["intake"]!["status"]);
        Assert.StartsWith("paused: remote: every remote endpoint is down", (string?)report["intake"]!["description"]);
        Assert.StartsWith("0 of 1 remote endpoints up", (string?)report["remote-endpoints"]!["description"]);
        Assert.False(worker.Intake.IsOpen);
        var duringOutage = await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results");
        Assert.True(duringOutage < jobs, "the run ended before the outage; the test proves nothing");

        await Task.Delay(downAt + TimeSpan.FromSeconds(30) - DateTime.UtcNow);
        Assert.Empty(await WorkerRows.DeadLettersAsync(env.ConnectionString));
        server.Down = false;

        await TestServices.WaitUntilAsync(async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results") == jobs,
            TimeSpan.FromSeconds(90), () => Task.FromResult(worker.Logs.AllText));
        Assert.Equal(jobs, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM jobs WHERE status = 'succeeded'"));
        Assert.Equal(jobs, await Database.CountAsync(env.ConnectionString, "SELECT count(DISTINCT job_id) FROM token_usage"));
        Assert.Empty(await WorkerRows.DeadLettersAsync(env.ConnectionString));
        Assert.True(await Broker.MessageCountAsync(InternS1.Batch.Worker.Messaging.JobQueueTopology.ErrorQueue(queue)) <= 0, "a message went to the error queue"); // -1: never even declared

        var log = worker.Logs.AllText;
        Assert.Contains("Intake paused: remote: every remote endpoint is down", log);
        Assert.Contains("Intake resumed (remote is back)", log);
        Assert.True(worker.Intake.IsOpen);
        await TestServices.WaitUntilAsync(async () => (ready = await worker.ReadyAsync()).Status == 200, TimeSpan.FromSeconds(10), () => Task.FromResult(ready.Body ?? ""));
        Assert.Equal("Healthy", (string?)JsonNode.Parse(ready.Body!)!["checks"]!["intake"]!["status"]);
    }
}
