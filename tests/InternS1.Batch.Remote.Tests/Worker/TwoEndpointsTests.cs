using InternS1.Batch.FakeOpenAi;
using InternS1.Batch.Remote.Tests.Infrastructure;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Remote.Tests.Worker;

/// <summary>Two endpoints, one of them refusing every request with 503: the other takes the whole load, and the worker's
/// own Prometheus endpoint shows the failing endpoint's limiter shrunk, its 503s counted and both endpoints up.</summary>
[Trait("Category", "Service")]
public class TwoEndpointsTests
{
    [Fact]
    public async Task With_one_of_two_endpoints_failing_the_other_serves_every_job_and_the_metrics_show_the_failing_limiter_shrunk()
    {
        const int jobs = 40;
        await using var good = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Slots = 16, TokenDelay = TimeSpan.FromMilliseconds(5) });
        // No slot and no queue: every request is answered 503 "The request queue is full." (Retry-After: 0).
        await using var failing = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Slots = 0, QueueLimit = 0, RetryAfterSeconds = 0 });
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_two_ep", default);
        var queue = env.Queue("two-ep");
        await using var worker = await RemoteWorker.StartAsync(env.ConnectionString, queue, [good.BaseUrl, failing.BaseUrl],
            new Dictionary<string, string?> { ["Remote:MaxRetryAttempts"] = "30" });

        for (var i = 0; i < jobs; i++)
            await Broker.PublishRawAsync(queue, Jobs.Text($"t-{i:D3}", "two", $"c{i}", $"question {i}").ToJsonString());
        await WorkerRows.WaitForEndedAsync(env.ConnectionString, jobs, TimeSpan.FromSeconds(60), () => worker.Logs.AllText);

        Assert.Empty(await WorkerRows.DeadLettersAsync(env.ConnectionString));
        Assert.Equal(jobs, good.CompletedStreams);
        Assert.Equal(0, failing.CompletedStreams);
        Assert.True(failing.ChatRequests.Count > 0, "the failing endpoint was never tried; the test proves nothing");

        var goodLabel = $"127.0.0.1:{good.Port}";
        var failingLabel = $"127.0.0.1:{failing.Port}";
        var metrics = await worker.MetricsAsync();
        double? Sample(string name, string endpoint) => PrometheusSamples.Value(metrics, name, "endpoint", endpoint);
        // Both start at the initial limit of 8; each 503 takes one from the failing one (a burst at most halves it).
        // NOTE: the good one's limit is compared with the failing one's, not with 8: it follows its own first-event
        // times, and on a loaded machine the client's own delays read as a short queue now and then (a full run once
        // left it at 6, the failing one at 1). What matters is that the 503s of one endpoint never shrink the other.
        var failingLimit = Sample("interns1_remote_concurrency_limit", failingLabel);
        Assert.True(failingLimit < 8, "failing limit: " + metrics);
        Assert.True(Sample("interns1_remote_concurrency_limit", goodLabel) > failingLimit, "good limit: " + metrics);
        Assert.True(Sample("interns1_remote_errors_total", failingLabel) >= 1, "failing errors: " + metrics);
        Assert.Null(Sample("interns1_remote_errors_total", goodLabel));
        Assert.Equal(1, Sample("interns1_remote_state", failingLabel));
        Assert.Equal(1, Sample("interns1_remote_state", goodLabel));
        Assert.Equal(0, Sample("interns1_remote_in_flight", goodLabel));
        Assert.Equal(jobs, Sample("interns1_remote_latency_seconds_count", goodLabel));
        Assert.Contains("interns1_remote_jobs_limit", metrics);
    }
}
