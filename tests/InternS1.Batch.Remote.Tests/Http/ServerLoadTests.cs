using InternS1.Batch.FakeOpenAi;
using InternS1.Batch.Remote.Concurrency;
using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Tests.Infrastructure;

namespace InternS1.Batch.Remote.Tests.Http;

/// <summary>The server's own queue gauges from Prometheus <c>/metrics</c> cap and shrink the limiter,
/// and a server whose capacity grows lets it go again.</summary>
public class ServerLoadTests
{
    [Theory]
    [InlineData(FakeFlavor.Vllm)]
    [InlineData(FakeFlavor.Lmdeploy)]
    [InlineData(FakeFlavor.Sglang)]
    public async Task A_queue_on_the_server_caps_the_limit_at_its_running_batch_and_a_lasting_queue_halves_it(FakeFlavor flavor)
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = flavor, Slots = 2, TokenDelay = TimeSpan.FromMilliseconds(100) });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);
        var label = $"127.0.0.1:{server.Port}";

        var requests = Enumerable.Range(0, 6).Select(_ => remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None)).ToList();
        await Chat.Eventually(() => server.Slots.Waiting == 4, TimeSpan.FromSeconds(10), "4 requests wait on the server");

        await remote.Monitor.ProbeOnceAsync(CancellationToken.None);
        var first = remote.Endpoint(server.Port);
        Assert.Equal((new ServerLoad(4, 2), 2, 2), (first.Load, first.Limit, first.Cap));
        Assert.Equal(4, remote.Metrics.Gauge("interns1.remote.server_waiting", label));

        await remote.Monitor.ProbeOnceAsync(CancellationToken.None);
        Assert.Equal(1, remote.Endpoint(server.Port).Limit);

        // The server's capacity grows mid-run: its queue drains, and the next scrape lifts the cap.
        server.SetSlots(8);
        await Task.WhenAll(requests);
        await remote.Monitor.ProbeOnceAsync(CancellationToken.None);
        var after = remote.Endpoint(server.Port);
        Assert.Equal((new ServerLoad(0, 0), 256), (after.Load, after.Cap));
    }

    [Fact]
    public async Task The_monitor_loop_reads_the_metrics_every_scrape_interval()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Slots = 1, TokenDelay = TimeSpan.FromMilliseconds(100) });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl, new Dictionary<string, string?> { ["Remote:MetricsScrapeInterval"] = "00:00:00.050" }, runMonitor: true);
        await Chat.Eventually(() => remote.Endpoint(server.Port).State == EndpointState.Up, TimeSpan.FromSeconds(10), "detected");

        var requests = Enumerable.Range(0, 3).Select(_ => remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None)).ToList();
        await Chat.Eventually(() => remote.Endpoint(server.Port).Cap == 1, TimeSpan.FromSeconds(10), "the scrape caps the limit at the server's batch of 1");
        await Task.WhenAll(requests);
    }

    [Fact]
    public async Task An_up_endpoint_that_turns_unhealthy_is_taken_down_by_the_health_check_and_returns_when_healthy()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Ollama });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl, runMonitor: true);
        await Chat.Eventually(() => remote.Endpoint(server.Port).State == EndpointState.Up, TimeSpan.FromSeconds(10), "detected");

        server.Healthy = false;
        await Chat.Eventually(() => remote.Endpoint(server.Port).State == EndpointState.Down, TimeSpan.FromSeconds(10), "down");
        Assert.StartsWith("GET /api/version: HTTP 503", remote.Endpoint(server.Port).LastError);

        server.Healthy = true;
        await Chat.Eventually(() => remote.Endpoint(server.Port).State == EndpointState.Up, TimeSpan.FromSeconds(10), "up again");
    }
}
