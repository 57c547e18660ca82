using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Flavors;
using InternS1.Batch.Remote.Options;
using Microsoft.Extensions.Logging.Abstractions;

namespace InternS1.Batch.Remote.Tests.Unit;

/// <summary>The balancer and health bookkeeping without HTTP: endpoints are brought up by hand.</summary>
public class EndpointPoolTests
{
    private static EndpointPool Pool(int endpoints, int maxConcurrency = 256, int failuresBeforeDown = 3) =>
        new(Microsoft.Extensions.Options.Options.Create(new RemoteOptions
        {
            Endpoints = Enumerable.Range(1, endpoints).Select(i => $"http://node-{i}:23333/v1").ToList(),
            MaxConcurrency = maxConcurrency,
            FailuresBeforeDown = failuresBeforeDown,
        }), NullLogger<EndpointPool>.Instance);

    private static void Up(EndpointPool pool, int index) => pool.MarkUp(pool.Endpoints[index], FlavorDialect.For(RemoteFlavor.Vllm), "m", "test");

    private static async Task<List<string>> Take(EndpointPool pool, int n)
    {
        var labels = new List<string>();
        for (var i = 0; i < n; i++)
            labels.Add((await pool.AcquireAsync(CancellationToken.None)).Endpoint.Label);
        return labels;
    }

    [Fact]
    public async Task Requests_go_to_the_endpoint_with_the_most_free_capacity()
    {
        var pool = Pool(2);
        Up(pool, 0);
        Up(pool, 1);
        pool.Endpoints[1].Limiter.SetServerCeiling(2);

        // node-1 has 8 free, node-2 has 2: node-1 takes requests until its free capacity falls to node-2's.
        var labels = await Take(pool, 10);

        Assert.Equal(8, labels.Count(l => l == "node-1:23333"));
        Assert.Equal(2, labels.Count(l => l == "node-2:23333"));
        Assert.Equal(["node-1:23333", "node-1:23333", "node-1:23333", "node-1:23333", "node-1:23333", "node-1:23333"], labels[..6]);
    }

    [Fact]
    public async Task An_endpoint_cooling_down_after_retry_after_is_skipped_while_another_can_serve()
    {
        var pool = Pool(2);
        Up(pool, 0);
        Up(pool, 1);
        var lease = await pool.AcquireAsync(CancellationToken.None);
        var cooling = lease.Endpoint.Label;
        lease.Complete(AttemptOutcome.Overloaded(TimeSpan.FromMinutes(5)));

        var labels = await Take(pool, 4);

        Assert.All(labels, l => Assert.NotEqual(cooling, l));
    }

    [Fact]
    public async Task Consecutive_failures_take_an_endpoint_down_and_a_success_in_between_resets_the_count()
    {
        var pool = Pool(1, failuresBeforeDown: 2);
        Up(pool, 0);
        (await pool.AcquireAsync(CancellationToken.None)).Complete(AttemptOutcome.Failed("HTTP 500"));
        (await pool.AcquireAsync(CancellationToken.None)).Complete(AttemptOutcome.Success);
        (await pool.AcquireAsync(CancellationToken.None)).Complete(AttemptOutcome.Failed("HTTP 500"));
        Assert.Equal(EndpointState.Up, pool.Status()[0].State);

        (await pool.AcquireAsync(CancellationToken.None)).Complete(AttemptOutcome.Failed("HTTP 502"));

        Assert.Equal(EndpointState.Down, pool.Status()[0].State);
        Assert.Equal("2 consecutive failures, the last: HTTP 502", pool.Status()[0].LastError);
    }

    [Fact]
    public async Task A_request_waits_while_every_endpoint_is_down_and_gets_the_first_one_that_comes_up()
    {
        var pool = Pool(2);
        var waiting = pool.AcquireAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        Up(pool, 1);

        Assert.Equal("node-2:23333", (await waiting).Endpoint.Label);
    }

    [Fact]
    public void Capacity_and_the_all_down_signal_follow_the_endpoints()
    {
        var pool = Pool(2, maxConcurrency: 5);
        var events = new List<bool>();
        var capacities = new List<RemoteCapacity>();
        pool.AllEndpointsDownChanged += (_, down) => events.Add(down);
        pool.CapacityChanged += (_, c) => capacities.Add(c);
        Assert.Equal(new RemoteCapacity(2, 0, 0), pool.Capacity);
        Assert.True(pool.AllDown);

        Up(pool, 0);
        Up(pool, 1);
        pool.MarkDown(pool.Endpoints[0], "gone");
        pool.MarkDown(pool.Endpoints[1], "gone");
        Up(pool, 1);

        Assert.Equal([false, true, false], events);
        Assert.Equal([new(2, 1, 5), new(2, 2, 10), new(2, 1, 5), new(2, 0, 0), new(2, 1, 5)], capacities);
    }
}
