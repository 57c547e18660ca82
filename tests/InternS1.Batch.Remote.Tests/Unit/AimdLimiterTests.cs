using InternS1.Batch.Remote.Concurrency;

namespace InternS1.Batch.Remote.Tests.Unit;

/// <summary>The limiter's bookkeeping: slots, windows, bursts of overloads, the caps. The queue signal from the
/// time to first event is in <see cref="AimdLimiterQueueTests"/>.</summary>
public class AimdLimiterTests
{
    internal static List<long> Acquire(AimdLimiter limiter, int n)
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
    public void Without_first_events_a_window_of_clean_completions_as_long_as_the_limit_grows_it_by_one()
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
    public void A_window_in_which_the_limit_was_never_filled_does_not_grow_it()
    {
        var limiter = new AimdLimiter(256);
        for (var i = 0; i < 3 * 8; i++)
        {
            var epoch = Acquire(limiter, 1)[0];
            limiter.FirstEvent(TimeSpan.FromMilliseconds(10));
            limiter.Release(LimiterSignal.Clean, epoch);
        }
        Assert.Equal(8, limiter.Limit);
        Assert.True(limiter.SlowStart);
    }

    [Fact]
    public void A_burst_of_overloads_sent_under_the_same_limit_takes_one_each_and_at_most_halves_it()
    {
        var limiter = new AimdLimiter(256);
        var epochs = Acquire(limiter, 8);
        for (var i = 0; i < 3; i++)
            limiter.Release(LimiterSignal.Overload, epochs[i]);
        Assert.Equal(5, limiter.Limit); // 8 - 3
        Assert.False(limiter.SlowStart);
        for (var i = 3; i < 6; i++)
            limiter.Release(LimiterSignal.Overload, epochs[i]);
        Assert.Equal(4, limiter.Limit); // 8 - 6 = 2, but the burst stops at 8 / 2

        // A request sent after the first refusal carries the new generation: its overload starts a new burst.
        for (var i = 6; i < 8; i++)
            limiter.Release(LimiterSignal.None, epochs[i]);
        var later = Acquire(limiter, 1);
        limiter.Release(LimiterSignal.Overload, later[0]);
        Assert.Equal(3, limiter.Limit);
    }

    [Fact]
    public void An_overload_of_a_request_older_than_the_last_burst_is_ignored()
    {
        var limiter = new AimdLimiter(256);
        var old = Acquire(limiter, 2);
        limiter.Release(LimiterSignal.Overload, old[0]); // burst of generation 0: 8 -> 7
        var second = Acquire(limiter, 1);
        limiter.Release(LimiterSignal.Overload, second[0]); // burst of generation 1: 7 -> 6
        limiter.Release(LimiterSignal.Overload, old[1]); // generation 0 again: nothing
        Assert.Equal(6, limiter.Limit);
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
    public void Reset_returns_to_the_starting_limit_in_slow_start_and_drops_the_server_ceiling_and_the_fastest_first_event()
    {
        var limiter = new AimdLimiter(256);
        limiter.FirstEvent(TimeSpan.FromMilliseconds(10));
        limiter.SetServerCeiling(2);
        Assert.False(limiter.SlowStart);
        limiter.Reset();
        Assert.Equal(8, limiter.Limit);
        Assert.Null(limiter.ServerCeiling);
        Assert.True(limiter.SlowStart);
        Assert.Null(limiter.FastestFirstEvent);
    }
}
