using InternS1.Batch.FakeOpenAi;
using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Tests.Infrastructure;

namespace InternS1.Batch.Remote.Tests.Http;

/// <summary>Several endpoints, failing endpoints and outages over real HTTP: balancing, limiter shrink,
/// taking an endpoint down and bringing it back, and the all-down signal.</summary>
public class EndpointTests
{
    [Fact]
    public async Task Two_healthy_endpoints_share_the_load()
    {
        await using var a = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Slots = 8, TokenDelay = TimeSpan.FromMilliseconds(5) });
        await using var b = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Slots = 8, TokenDelay = TimeSpan.FromMilliseconds(5) });
        await using var remote = await RemoteHarness.StartAsync([a.BaseUrl, b.BaseUrl]);
        Assert.Equal(new RemoteCapacity(2, 2, 16), remote.Pool.Capacity);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None)));

        Assert.Equal(16, a.CompletedStreams + b.CompletedStreams);
        Assert.True(a.CompletedStreams > 0 && b.CompletedStreams > 0, $"a served {a.CompletedStreams}, b served {b.CompletedStreams}");
    }

    [Fact]
    public async Task With_one_endpoint_answering_503_the_other_takes_the_load_and_the_failing_limit_shrinks()
    {
        await using var good = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Slots = 16 });
        await using var failing = await FakeOpenAiServer.StartAsync();
        failing.Enqueue(Enumerable.Range(0, 500).Select(_ => (FakeBehavior)new FakeBehavior.Status(503, "The request queue is full.")).ToArray());
        await using var remote = await RemoteHarness.StartAsync([good.BaseUrl, failing.BaseUrl], new Dictionary<string, string?> { ["Remote:MaxRetryAttempts"] = "30" });

        var completions = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None)));

        var goodLabel = $"127.0.0.1:{good.Port}";
        var failingLabel = $"127.0.0.1:{failing.Port}";
        Assert.All(completions, c => Assert.Equal(goodLabel, c.Endpoint));
        Assert.Equal(40, good.CompletedStreams);
        Assert.Equal(0, failing.CompletedStreams);
        Assert.True(remote.Metrics.Count("interns1.remote.errors", failingLabel, "503") > 0);
        var failingLimit = remote.Metrics.Gauge("interns1.remote.concurrency_limit", failingLabel);
        Assert.True(failingLimit < 8, $"the failing endpoint's limit is {failingLimit}");
        // NOTE: not ">= 8": the good endpoint's queue signal is a timing, and a loaded test machine can delay first events.
        var goodLimit = remote.Metrics.Gauge("interns1.remote.concurrency_limit", goodLabel);
        Assert.True(goodLimit > failingLimit, $"the good endpoint's limit {goodLimit} is above the failing one's {failingLimit}");
        Assert.Equal(1, remote.Metrics.Gauge("interns1.remote.state", failingLabel));
        Assert.Equal(40, remote.Metrics.Recorded("interns1.remote.latency", goodLabel));
    }

    [Fact]
    public async Task An_endpoint_failing_as_often_as_failures_before_down_is_taken_down_and_a_waiting_request_completes_when_it_is_back()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl, new Dictionary<string, string?> { ["Remote:FailuresBeforeDown"] = "2" });
        var events = new List<bool>();
        remote.Pool.AllEndpointsDownChanged += (_, down) => { lock (events) events.Add(down); };
        server.Down = true;

        var request = remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);
        await Chat.Eventually(() => remote.Endpoint(server.Port).State == EndpointState.Down, TimeSpan.FromSeconds(10), "the endpoint goes down");
        Assert.StartsWith("2 consecutive failures", remote.Endpoint(server.Port).LastError);
        Assert.True(remote.Pool.AllDown);
        Assert.False(request.IsCompleted);

        server.Down = false;
        await remote.Monitor.ProbeOnceAsync(CancellationToken.None);
        var completion = await request;

        Assert.Equal(3, completion.Attempts);
        Assert.Equal([true, false], events);
        Assert.Equal(EndpointState.Up, remote.Endpoint(server.Port).State);
    }

    [Fact]
    public async Task When_every_endpoint_is_down_the_signal_fires_requests_wait_and_the_signal_clears_when_health_returns()
    {
        await using var a = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Lmdeploy });
        await using var b = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Sglang });
        var events = new List<bool>();
        var capacities = new List<RemoteCapacity>();
        await using var remote = await RemoteHarness.StartAsync([a.BaseUrl, b.BaseUrl], probe: false);
        remote.Pool.AllEndpointsDownChanged += (_, down) => { lock (events) events.Add(down); };
        remote.Pool.CapacityChanged += (_, c) => { lock (capacities) capacities.Add(c); };
        Assert.True(remote.Pool.AllDown);

        await remote.Monitor.StartAsync(CancellationToken.None);
        await Chat.Eventually(() => remote.Pool.Capacity.UpEndpoints == 2, TimeSpan.FromSeconds(10), "both endpoints are detected");
        a.Down = true;
        b.Healthy = false;
        await Chat.Eventually(() => remote.Pool.AllDown, TimeSpan.FromSeconds(10), "every endpoint is down");
        Assert.Equal(EndpointState.Down, remote.Endpoint(a.Port).State);
        Assert.StartsWith("GET /health: HTTP 503", remote.Endpoint(b.Port).LastError);
        Assert.Equal(0, remote.Metrics.Gauge("interns1.remote.state", $"127.0.0.1:{a.Port}"));

        var waiting = remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        Assert.Empty(b.ChatRequests);

        b.Healthy = true;
        var completion = await waiting;
        await Chat.Eventually(() => remote.Pool.Capacity.UpEndpoints == 1, TimeSpan.FromSeconds(10), "b is back");
        await remote.Monitor.StopAsync(CancellationToken.None);

        Assert.Equal(1, completion.Attempts);
        Assert.Equal($"127.0.0.1:{b.Port}", completion.Endpoint);
        lock (events)
            Assert.Equal([false, true, false], events);
        lock (capacities)
            Assert.Equal(new RemoteCapacity(2, 0, 0), capacities.Single(c => c.AllDown));
        Assert.Contains(remote.Logs.Entries, e => e.EventId.Id == 7103);
        Assert.Contains(remote.Logs.Entries, e => e.EventId.Id == 7104);
    }

    [Fact]
    public async Task A_server_unreachable_at_start_is_down_and_comes_up_when_a_probe_succeeds()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Down = true;
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl,
            new Dictionary<string, string?> { ["Remote:HealthProbeInterval"] = "00:00:00.050" }, runMonitor: true);
        await Chat.Eventually(() => remote.Endpoint(server.Port).State == EndpointState.Down, TimeSpan.FromSeconds(10), "down after the first probe");
        Assert.StartsWith("GET /v1/models:", remote.Endpoint(server.Port).LastError);

        server.Down = false;
        await Chat.Eventually(() => remote.Endpoint(server.Port).State == EndpointState.Up, TimeSpan.FromSeconds(10), "up after a later probe");
        Assert.Equal(8, remote.Endpoint(server.Port).Limit);
    }

    [Fact]
    public async Task Requests_one_at_a_time_never_fill_the_limit_and_do_not_grow_it()
    {
        // A first event after 50 ms each: none is 25 ms later than the fastest, so no window shows a queue either.
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Slots = 16 });
        server.Enqueue(Enumerable.Range(0, 3 * 8).Select(_ => (FakeBehavior)new FakeBehavior.SlowFirstToken(TimeSpan.FromMilliseconds(50))).ToArray());
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);

        for (var i = 0; i < 3 * 8; i++)
            await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);
        Assert.Equal(8, remote.Endpoint(server.Port).Limit);
        Assert.Equal(8, remote.Metrics.Gauge("interns1.remote.concurrency_limit", $"127.0.0.1:{server.Port}"));
    }

    [Fact]
    public async Task Eight_requests_the_server_admits_at_once_grow_the_starting_limit_by_half_in_slow_start()
    {
        // 16 free slots and a first event after 100 ms: every request is admitted at once, none is 50 ms later than the fastest.
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Slots = 16 });
        server.Enqueue(Enumerable.Range(0, 8).Select(_ => (FakeBehavior)new FakeBehavior.SlowFirstToken(TimeSpan.FromMilliseconds(100))).ToArray());
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None)));

        Assert.Equal(8 + 8 / 2, remote.Endpoint(server.Port).Limit);
        Assert.Equal(12, remote.Metrics.Gauge("interns1.remote.concurrency_limit", $"127.0.0.1:{server.Port}"));
    }

    [Fact]
    public async Task Max_concurrency_bounds_the_requests_in_flight_on_an_endpoint()
    {
        // each request holds its slot for 400 ms, so 12 of them overlap three at a time even on a loaded machine
        // (with 5 ms tokens a busy CI machine once never had a third request in flight)
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Slots = 16, TokenDelay = TimeSpan.FromMilliseconds(5) });
        server.Enqueue(Enumerable.Range(0, 12).Select(_ => (FakeBehavior)new FakeBehavior.SlowFirstToken(TimeSpan.FromMilliseconds(400))).ToArray());
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl, new Dictionary<string, string?> { ["Remote:MaxConcurrency"] = "3" });
        Assert.Equal(3, remote.Endpoint(server.Port).Limit);

        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None)));

        Assert.Equal(3, server.Slots.PeakRunning);
        Assert.Equal(3, remote.Endpoint(server.Port).Limit);
    }

    [Fact]
    public async Task Nothing_listening_on_the_port_is_down_with_the_connection_error()
    {
        int port;
        await using (var gone = await FakeOpenAiServer.StartAsync())
            port = gone.Port;
        await using var remote = await RemoteHarness.StartAsync($"http://127.0.0.1:{port}/v1");

        var status = remote.Endpoint(port);
        Assert.Equal(EndpointState.Down, status.State);
        Assert.Contains("Connection refused", status.LastError);
    }
}
