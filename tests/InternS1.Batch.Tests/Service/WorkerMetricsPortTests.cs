using System.Net;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Tests.Service;

/// <summary>The worker's Prometheus endpoint, with its counters checked exactly.</summary>
/// <remarks>NOTE: alone in its collection: in full-suite runs, with other test classes starting worker hosts in
/// parallel, the first case twice saw an endpoint without a single interns1 counter for 90 s (it never failed alone;
/// the cause is not found yet, the timeout message now carries the last body scraped).</remarks>
[Trait("Category", "Service")]
[Collection(MetricsEndpointCollection.Name)]
public class WorkerMetricsPortTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("127.0.0.1")]
    [InlineData("*")]
    public async Task With_the_metrics_port_set_the_worker_starts_and_serves_its_metrics_on_that_port(string? host)
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_metrics", default);
        var queue = env.Queue("metrics");
        var port = MetricsScrape.FreePort();
        var settings = new Dictionary<string, string?> { ["Worker:MetricsPort"] = port.ToString() };
        if (host is not null)
            settings["Worker:MetricsHost"] = host;
        await using var worker = await InProcessWorker.StartAsync(env.ConnectionString, queue, new DeterministicTestExecutor(), settings);
        await Broker.PublishRawAsync(queue, Jobs.Text("metered-1", "metrics", "c1", "count me").ToJsonString());
        await Broker.PublishRawAsync(queue, Jobs.Text("metered-2", "metrics", "c2", "and me").ToJsonString());

        // The deterministic executor answers "echo: count me" / "echo: and me": 3 completion words each.
        var values = await MetricsScrape.UntilAsync($"http://127.0.0.1:{port}/metrics",
            v => v.GetValueOrDefault("interns1_jobs_completed_total") == 2, TimeSpan.FromSeconds(90));
        Assert.Equal(2, values["interns1_jobs_received_total"]);
        Assert.Equal(6, values["interns1_tokens_completion_total"]);
        Assert.Equal(0, values["interns1_jobs_in_flight"]);

        // Loopback (127.0.0.1) by default, and a named host answers only requests addressed to it; * answers any.
        using var http = new HttpClient();
        var byName = await http.GetAsync($"http://localhost:{port}/metrics");
        Assert.Equal(host == "*" ? HttpStatusCode.OK : HttpStatusCode.NotFound, byName.StatusCode);
    }
}

/// <summary>Tests that read a worker's metrics endpoint run alone (no other test class in parallel with them).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsEndpointCollection
{
    public const string Name = "metrics-endpoint";
}
