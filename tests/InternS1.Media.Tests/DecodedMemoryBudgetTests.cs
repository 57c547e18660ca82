using InternS1.Media.Intake;

namespace InternS1.Media.Tests;

/// <summary>The byte-weighted semaphore over decoded media: waiting in order, shrinking, cancelling, reclaiming.</summary>
public class DecodedMemoryBudgetTests
{
    [Fact]
    public async Task A_reservation_that_does_not_fit_waits_until_enough_is_returned()
    {
        var budget = new DecodedMemoryBudget(100, reclaim: () => { });
        using var first = await budget.ReserveAsync(70, CancellationToken.None);
        var second = budget.ReserveAsync(50, CancellationToken.None);

        Assert.False(second.IsCompleted);
        Assert.Equal(70, budget.ReservedBytes);
        first.ShrinkTo(50);
        using var granted = await second;
        Assert.Equal(100, budget.ReservedBytes);
    }

    [Fact]
    public async Task Waiters_are_served_in_arrival_order_so_a_large_job_is_not_starved()
    {
        var budget = new DecodedMemoryBudget(100, reclaim: () => { });
        var first = await budget.ReserveAsync(60, CancellationToken.None);
        var large = budget.ReserveAsync(90, CancellationToken.None);
        var small = budget.ReserveAsync(20, CancellationToken.None);

        // 20 bytes would fit next to the 60, but the 90 came first (and 90 + 20 do not fit together).
        Assert.False(small.IsCompleted);
        first.Dispose();
        var l = await large;
        Assert.False(small.IsCompleted);
        l.Dispose();
        (await small).Dispose();
        Assert.Equal(0, budget.ReservedBytes);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_lets_the_next_one_in()
    {
        var budget = new DecodedMemoryBudget(100, reclaim: () => { });
        using var held = await budget.ReserveAsync(60, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var cancelled = budget.ReserveAsync(80, cts.Token);
        var next = budget.ReserveAsync(40, CancellationToken.None);

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        using var n = await next;
        Assert.Equal(100, budget.ReservedBytes);
    }

    [Fact]
    public async Task More_than_the_whole_budget_is_refused_and_shrinking_never_grows()
    {
        var budget = new DecodedMemoryBudget(100, reclaim: () => { });
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => budget.ReserveAsync(101, CancellationToken.None));
        using var r = await budget.ReserveAsync(30, CancellationToken.None);
        r.ShrinkTo(80);
        Assert.Equal(30, r.Bytes);
        r.ShrinkTo(10);
        Assert.Equal(10, budget.ReservedBytes);
    }

    [Fact]
    public async Task The_budget_reclaims_memory_when_it_falls_idle_after_heavy_use_only()
    {
        var reclaimed = new SemaphoreSlim(0);
        var budget = new DecodedMemoryBudget(1L << 40, reclaim: () => reclaimed.Release());
        (await budget.ReserveAsync(DecodedMemoryBudget.ReclaimAfterBytes - 1, CancellationToken.None)).Dispose();
        Assert.Equal(0, budget.Reclaims); // below the threshold: no collection

        var a = await budget.ReserveAsync(10, CancellationToken.None);
        var b = await budget.ReserveAsync(10, CancellationToken.None);
        a.Dispose();
        Assert.Equal(0, budget.Reclaims); // not idle yet
        b.Dispose();
        Assert.True(await reclaimed.WaitAsync(TimeSpan.FromSeconds(30)), "the reclaim did not run");
        Assert.Equal(1, budget.Reclaims);
    }
}
