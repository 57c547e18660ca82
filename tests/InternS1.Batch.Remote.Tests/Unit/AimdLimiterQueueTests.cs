using InternS1.Batch.Remote.Concurrency;

namespace InternS1.Batch.Remote.Tests.Unit;

/// <summary>The limiter steered by the server's queue, as seen in each request's time to first event: slow start
/// while requests are admitted at once, the window rules once a queue was seen, slow start again when it is gone.
/// Every expected limit is counted by hand in the comments.</summary>
public class AimdLimiterQueueTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(10);

    // Fastest 10 ms: waiting more than 5 ms (half of it) beyond it counts as queued.
    private static readonly TimeSpan Queued = TimeSpan.FromMilliseconds(16);

    private static void Window(AimdLimiter limiter, params TimeSpan[] firstEvents)
    {
        Assert.Equal(limiter.Limit, firstEvents.Length);
        var epochs = AimdLimiterTests.Acquire(limiter, firstEvents.Length);
        foreach (var firstEvent in firstEvents)
            limiter.FirstEvent(firstEvent);
        foreach (var epoch in epochs)
            limiter.Release(LimiterSignal.Clean, epoch);
    }

    /// <summary>A limiter out of slow start at 4 (8 halved, so congested at 8), with a fastest first event of 10 ms.</summary>
    private static AimdLimiter AvoidingCongestionAtFour()
    {
        var limiter = new AimdLimiter(256);
        limiter.FirstEvent(Fast);
        limiter.Decrease();
        Assert.Equal((4, false), (limiter.Limit, limiter.SlowStart));
        return limiter;
    }

    [Fact]
    public void In_slow_start_each_request_admitted_at_once_while_the_limit_is_full_adds_one_up_to_half_the_window_limit()
    {
        var limiter = new AimdLimiter(256);
        var epochs = AimdLimiterTests.Acquire(limiter, 8);
        for (var i = 0; i < 8; i++)
            limiter.FirstEvent(Fast);
        Assert.Equal(12, limiter.Limit); // 8 + 8 / 2
        Assert.True(limiter.SlowStart);

        // The window ends after 12 clean completions; the next one (limit 12) may grow by 6.
        epochs.AddRange(AimdLimiterTests.Acquire(limiter, 4));
        foreach (var epoch in epochs)
            limiter.Release(LimiterSignal.Clean, epoch);
        AimdLimiterTests.Acquire(limiter, 12);
        for (var i = 0; i < 12; i++)
            limiter.FirstEvent(Fast);
        Assert.Equal(18, limiter.Limit);
    }

    [Fact]
    public void Slow_start_never_grows_past_the_configured_maximum()
    {
        var limiter = new AimdLimiter(9);
        AimdLimiterTests.Acquire(limiter, 8);
        for (var i = 0; i < 8; i++)
            limiter.FirstEvent(Fast);
        Assert.Equal(9, limiter.Limit);
    }

    [Fact]
    public void A_first_event_more_than_half_the_fastest_late_is_queued_and_ends_slow_start()
    {
        var limiter = new AimdLimiter(256);
        AimdLimiterTests.Acquire(limiter, 8);
        limiter.FirstEvent(Fast); // 9
        limiter.FirstEvent(TimeSpan.FromMilliseconds(15)); // 5 ms late = half of 10: not queued, 10
        Assert.Equal((10, true), (limiter.Limit, limiter.SlowStart));
        limiter.FirstEvent(Queued); // 6 ms late: queued
        limiter.FirstEvent(Fast);
        Assert.Equal((10, false), (limiter.Limit, limiter.SlowStart));
    }

    [Fact]
    public void Below_ten_milliseconds_the_queue_allowance_is_five_milliseconds()
    {
        var limiter = new AimdLimiter(256);
        AimdLimiterTests.Acquire(limiter, 8);
        limiter.FirstEvent(TimeSpan.FromMilliseconds(1)); // 9; half of 1 ms is below 5 ms, so 5 ms applies
        limiter.FirstEvent(TimeSpan.FromMilliseconds(6)); // 5 ms late: not queued, 10
        Assert.True(limiter.SlowStart);
        limiter.FirstEvent(TimeSpan.FromMilliseconds(6.5)); // 5.5 ms late: queued
        Assert.Equal((10, false), (limiter.Limit, limiter.SlowStart));
    }

    [Fact]
    public void The_fastest_first_event_follows_a_faster_one()
    {
        var limiter = new AimdLimiter(256);
        limiter.FirstEvent(TimeSpan.FromMilliseconds(40));
        limiter.FirstEvent(Fast);
        limiter.FirstEvent(TimeSpan.FromMilliseconds(30)); // 20 ms late against 10 ms: queued
        Assert.Equal(Fast, limiter.FastestFirstEvent);
        Assert.False(limiter.SlowStart);
    }

    [Fact]
    public void A_window_in_which_half_the_requests_waited_takes_one_away()
    {
        var limiter = AvoidingCongestionAtFour();
        Window(limiter, Fast, Fast, Queued, Queued);
        Assert.Equal(3, limiter.Limit);
    }

    [Fact]
    public void A_window_in_which_a_quarter_waited_holds_the_limit()
    {
        var limiter = AvoidingCongestionAtFour();
        Window(limiter, Fast, Fast, Fast, Queued);
        Assert.Equal(4, limiter.Limit);
    }

    [Fact]
    public void A_window_in_which_fewer_than_a_quarter_waited_adds_one()
    {
        var limiter = AvoidingCongestionAtFour();
        Window(limiter, Fast, Fast, Fast, Fast);
        Window(limiter, Fast, Fast, Fast, Fast, Queued); // 1 of 5 queued: still adds one
        Assert.Equal(6, limiter.Limit);
        Assert.False(limiter.SlowStart);
    }

    [Fact]
    public void Clear_windows_below_the_limit_where_the_queue_was_seen_grow_by_one_and_never_return_to_slow_start()
    {
        var limiter = AvoidingCongestionAtFour();
        Window(limiter, Fast, Fast, Fast, Fast); // 5
        Window(limiter, Fast, Fast, Fast, Fast, Fast); // 6
        Window(limiter, Fast, Fast, Fast, Fast, Fast, Fast); // 7
        Window(limiter, Fast, Fast, Fast, Fast, Fast, Fast, Fast); // 8
        Assert.Equal((8, false), (limiter.Limit, limiter.SlowStart));
    }

    [Fact]
    public void Two_clear_windows_in_a_row_at_or_above_that_limit_return_to_slow_start()
    {
        var limiter = AvoidingCongestionAtFour();
        for (var limit = 4; limit < 8; limit++)
            Window(limiter, Enumerable.Repeat(Fast, limit).ToArray());
        Window(limiter, Enumerable.Repeat(Fast, 8).ToArray()); // 9, the first clear window at 8
        Assert.Equal((9, false), (limiter.Limit, limiter.SlowStart));
        Window(limiter, Enumerable.Repeat(Fast, 9).ToArray()); // 10, and slow start again
        Assert.Equal((10, true), (limiter.Limit, limiter.SlowStart));

        AimdLimiterTests.Acquire(limiter, 10);
        limiter.FirstEvent(Fast);
        limiter.FirstEvent(Fast);
        Assert.Equal(12, limiter.Limit); // 10 + 2
    }

    [Fact]
    public void Clear_windows_held_at_the_server_ceiling_never_return_to_slow_start()
    {
        var limiter = AvoidingCongestionAtFour();
        Window(limiter, Fast, Fast, Fast, Queued); // a queue seen at 4: held there
        limiter.SetServerCeiling(4);
        Window(limiter, Fast, Fast, Fast, Fast);
        Window(limiter, Fast, Fast, Fast, Fast);
        Window(limiter, Fast, Fast, Fast, Fast);
        limiter.SetServerCeiling(null);
        Assert.Equal((4, false), (limiter.Limit, limiter.SlowStart));
    }

    [Fact]
    public void A_queued_window_between_two_clear_ones_starts_the_count_to_slow_start_again()
    {
        var limiter = AvoidingCongestionAtFour();
        Window(limiter, Fast, Fast, Fast, Fast); // 5
        Window(limiter, Fast, Fast, Queued, Queued, Queued); // 3 of 5 queued: 4
        Window(limiter, Fast, Fast, Fast, Fast); // 5, one clear window
        Assert.Equal((5, false), (limiter.Limit, limiter.SlowStart));
    }

    [Fact]
    public void A_window_that_never_filled_the_limit_is_not_shrunk_by_its_queued_requests()
    {
        var limiter = AvoidingCongestionAtFour();
        for (var i = 0; i < 4; i++)
        {
            var epoch = AimdLimiterTests.Acquire(limiter, 1)[0];
            limiter.FirstEvent(Queued);
            limiter.Release(LimiterSignal.Clean, epoch);
        }
        Assert.Equal(4, limiter.Limit);
    }

    [Fact]
    public void A_standing_queue_never_takes_the_limit_below_one()
    {
        var limiter = new AimdLimiter(1);
        limiter.FirstEvent(Fast);
        Window(limiter, Queued);
        Assert.Equal(1, limiter.Limit);
    }

    [Fact]
    public void A_burst_of_three_refusals_at_twelve_leaves_nine_not_six()
    {
        var limiter = new AimdLimiter(256);
        var epochs = AimdLimiterTests.Acquire(limiter, 8);
        for (var i = 0; i < 8; i++)
            limiter.FirstEvent(Fast); // 12
        epochs.AddRange(AimdLimiterTests.Acquire(limiter, 4));
        for (var i = 0; i < 3; i++)
            limiter.Release(LimiterSignal.Overload, epochs[8 + i]);
        Assert.Equal((9, false), (limiter.Limit, limiter.SlowStart));
    }
}
