using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Execution;
using InternS1.Batch.Remote.Flavors;
using InternS1.Batch.Remote.Options;
using Microsoft.Extensions.Logging.Abstractions;

namespace InternS1.Batch.Remote.Tests.Unit;

/// <summary>The executor's admission follows the endpoints' total adaptive limit plus the waiting margin, in arrival
/// order, growing and shrinking with the limits.</summary>
public class RemoteAdmissionTests
{
    private static (EndpointPool Pool, RemoteEndpoint[] Endpoints) Pool(int endpoints, int maxConcurrency = 64)
    {
        var options = new RemoteOptions { Endpoints = Enumerable.Range(0, endpoints).Select(i => $"http://gpu-{i}:23333/v1").ToList(), MaxConcurrency = maxConcurrency };
        var pool = new EndpointPool(Microsoft.Extensions.Options.Options.Create(options), NullLogger<EndpointPool>.Instance);
        return (pool, pool.Endpoints.ToArray());
    }

    [Fact]
    public async Task The_limit_is_the_total_limit_of_the_endpoints_up_plus_the_margin_and_follows_them()
    {
        var (pool, endpoints) = Pool(2);
        using var admission = new RemoteAdmission(pool, margin: 3);
        Assert.Equal(1 + 3, admission.Limit); // nothing up yet: one place plus the margin

        pool.MarkUp(endpoints[0], FlavorDialect.For(RemoteFlavor.Vllm), "m", "test");
        Assert.Equal(8 + 3, admission.Limit); // the initial AIMD limit of one endpoint
        pool.MarkUp(endpoints[1], FlavorDialect.For(RemoteFlavor.Vllm), "m", "test");
        Assert.Equal(16 + 3, admission.Limit);

        // One overload on the first endpoint takes one from its limit: 7 + 8 + 3.
        var lease = await pool.AcquireAsync(CancellationToken.None);
        pool.Complete(lease, AttemptOutcome.Overloaded(null));
        Assert.Equal(7 + 8 + 3, admission.Limit);
        pool.MarkDown(endpoints[1], "gone");
        Assert.Equal(7 + 3, admission.Limit);
    }

    [Fact]
    public async Task Jobs_beyond_the_limit_wait_in_arrival_order_and_enter_as_places_free()
    {
        var (pool, endpoints) = Pool(1, maxConcurrency: 1);
        pool.MarkUp(endpoints[0], FlavorDialect.For(RemoteFlavor.Vllm), "m", "test");
        using var admission = new RemoteAdmission(pool, margin: 1);
        Assert.Equal(2, admission.Limit);
        var first = await admission.EnterAsync(CancellationToken.None);
        var second = await admission.EnterAsync(CancellationToken.None);
        var third = admission.EnterAsync(CancellationToken.None);
        var fourth = admission.EnterAsync(CancellationToken.None);
        Assert.Equal((2, 2), (admission.Active, admission.Waiting));
        Assert.False(third.IsCompleted);

        first.Dispose();
        var thirdPlace = await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(fourth.IsCompleted);
        first.Dispose(); // a second dispose gives nothing back
        Assert.Equal((2, 1), (admission.Active, admission.Waiting));
        second.Dispose();
        (await fourth.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        thirdPlace.Dispose();
        Assert.Equal((0, 0), (admission.Active, admission.Waiting));
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_the_queue_and_takes_no_place()
    {
        var (pool, endpoints) = Pool(1, maxConcurrency: 1);
        pool.MarkUp(endpoints[0], FlavorDialect.For(RemoteFlavor.Vllm), "m", "test");
        using var admission = new RemoteAdmission(pool, margin: 0);
        var held = await admission.EnterAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var waiting = admission.EnterAsync(cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal((1, 0), (admission.Active, admission.Waiting));
        held.Dispose();
        Assert.Equal(0, admission.Active);
    }
}
