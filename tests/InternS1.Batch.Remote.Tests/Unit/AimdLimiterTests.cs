using InternS1.Batch.Remote.Concurrency;

namespace InternS1.Batch.Remote.Tests.Unit;

public class AimdLimiterTests
{
    private static List<long> Acquire(AimdLimiter limiter, int n)
    {
        var epochs = new List<long>();
        for (var i = 0; i < n; i++)
        {
            Assert.True(limiter.TryAcquire(out var epoch), $"slot {i + 1} of {n} should be free (limit {limiter.Limit})");
            epochs.Add(epoch);
        }
        return epochs;
    }

    [Fact]
    public void It_starts_at_eight_or_at_the_cap_when_the_cap_is_lower()
    {
        Assert.Equal(8, new AimdLimiter(256).Limit);
        Assert.Equal(3, new AimdLimiter(3).Limit);
    }

    [Fact]
    public void No_slot_is_handed_out_beyond_the_limit()
    {
        var limiter = new AimdLimiter(256);
        Acquire(limiter, 8);
        Assert.False(limiter.TryAcquire(out _));
        Assert.Equal(0, limiter.Free);
    }

    [Fact]
    public void A_window_of_clean_completions_as_long_as_the_limit_grows_it_by_one()
    {
        var limiter = new AimdLimiter(256);
        var epochs = Acquire(limiter, 8);
        for (var i = 0; i < 7; i++)
            limiter.Release(LimiterSignal.Clean, epochs[i]);
        Assert.Equal(8, limiter.Limit);
        limiter.Release(LimiterSignal.Clean, epochs[7]);
        Assert.Equal(9, limiter.Limit);

        // The next window is 9 long: 8 clean completions leave it at 9, the 9th makes it 10.
        epochs = Acquire(limiter, 9);
        for (var i = 0; i < 8; i++)
            limiter.Release(LimiterSignal.Clean, epochs[i]);
        Assert.Equal(9, limiter.Limit);
        limiter.Release(LimiterSignal.Clean, epochs[8]);
        Assert.Equal(10, limiter.Limit);
    }

    [Fact]
    public void A_burst_of_overloads_sent_under_the_same_limit_halves_it_once()
    {
        var limiter = new AimdLimiter(256);
        var epochs = Acquire(limiter, 8);
        for (var i = 0; i < 4; i++)
            limiter.Release(LimiterSignal.Overload, epochs[i]);
        Assert.Equal(4, limiter.Limit);

        // A request sent after the decrease carries the new generation: its overload halves again.
        for (var i = 4; i < 8; i++)
            limiter.Release(LimiterSignal.None, epochs[i]);
        var later = Acquire(limiter, 1);
        limiter.Release(LimiterSignal.Overload, later[0]);
        Assert.Equal(2, limiter.Limit);
    }

    [Fact]
    public void Halving_stops_at_one()
    {
        var limiter = new AimdLimiter(256);
        for (var i = 0; i < 6; i++)
            limiter.Decrease();
        Assert.Equal(1, limiter.Limit);
    }

    [Fact]
    public void Another_failure_restarts_the_clean_window_without_changing_the_limit()
    {
        var limiter = new AimdLimiter(256);
        var epochs = Acquire(limiter, 8);
        for (var i = 0; i < 5; i++)
            limiter.Release(LimiterSignal.Clean, epochs[i]);
        limiter.Release(LimiterSignal.Failure, epochs[5]);
        limiter.Release(LimiterSignal.Clean, epochs[6]);
        limiter.Release(LimiterSignal.Clean, epochs[7]);
        Assert.Equal(8, limiter.Limit);
        Assert.Equal(2, limiter.CleanInWindow);
    }

    [Fact]
    public void The_limit_never_grows_past_the_configured_maximum()
    {
        var limiter = new AimdLimiter(9);
        for (var round = 0; round < 3; round++)
            foreach (var epoch in Acquire(limiter, limiter.Limit))
                limiter.Release(LimiterSignal.Clean, epoch);
        Assert.Equal(9, limiter.Limit);
    }

    [Fact]
    public void A_server_ceiling_lowers_the_limit_at_once_and_lifting_it_lets_the_limit_grow_again()
    {
        var limiter = new AimdLimiter(256);
        limiter.SetServerCeiling(5);
        Assert.Equal(5, limiter.Limit);
        Assert.Equal(5, limiter.Cap);
        foreach (var epoch in Acquire(limiter, 5))
            limiter.Release(LimiterSignal.Clean, epoch);
        Assert.Equal(5, limiter.Limit);

        limiter.SetServerCeiling(null);
        foreach (var epoch in Acquire(limiter, 5))
            limiter.Release(LimiterSignal.Clean, epoch);
        Assert.Equal(6, limiter.Limit);
    }

    [Fact]
    public void Reset_returns_to_the_starting_limit_and_drops_the_server_ceiling()
    {
        var limiter = new AimdLimiter(256);
        limiter.SetServerCeiling(2);
        limiter.Reset();
        Assert.Equal(8, limiter.Limit);
        Assert.Null(limiter.ServerCeiling);
    }
}
