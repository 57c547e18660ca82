namespace InternS1.Batch.Remote.Concurrency;

/// <summary>
/// Adaptive concurrency limit of one endpoint: AIMD (after the llm-d batch gateway's controller,
/// shared/notes/remote-engines.md §3.2) steered by the server's queue as seen in each request's time to first
/// event, in the manner of TCP Vegas / Netflix concurrency-limits. Starts at min(8, cap) in slow start: every
/// request the server admits at once (its first event about as fast as the fastest seen) while the limit is in use
/// adds 1 (at most half the limit per window), until a request is seen queued. Then, per window of clean completions
/// (window = the current limit): fewer than a quarter queued adds 1, half or more queued takes 1 away, in between
/// holds; two windows in a row with no request queued that grew the limit at or above the last congestion's return to
/// slow start (the server has room again). A 503, 429 or timeout takes 1 away per
/// refused request of the burst, at most halving the limit. The cap is <c>Remote:MaxConcurrency</c>, lowered while
/// the server shows a queue to the batch it is running (its effective batch size).
/// Not thread-safe: the endpoint pool serialises every call.
/// </summary>
/// <remarks>
/// NOTE: the time to first event is the queue signal because a server admits a request into its running batch only
/// when there is room, and until then sends no token: waiting there shows as a longer first event long before the
/// queue fills and 503s start, and it is seen the moment the request is admitted (one completion later), not when it
/// ends. The whole request's latency would mix in the output length, which varies by orders of magnitude.
/// </remarks>
public sealed class AimdLimiter
{
    /// <summary>The starting limit when the cap allows it.</summary>
    public const int InitialLimit = 8;

    /// <summary>Windows in a row with no queued request after which the limit grows in slow start again.</summary>
    public const int ClearWindowsBeforeSlowStart = 2;

    /// <summary>The smallest wait beyond the fastest first event that counts as queued: scheduling noise of a busy
    /// client stays below it, a queued request of a GPU server waits for a whole decode step or more.</summary>
    public static readonly TimeSpan MinQueueDelay = TimeSpan.FromMilliseconds(5);

    private readonly int _maxConcurrency;
    private int _cleanInWindow;
    private int _firstEventsInWindow;
    private int _queuedInWindow;
    private int _clearWindows;
    private int _congestedAt;
    private int _slowStartGrowth;
    private int _windowLimit;
    private bool _limitReached;
    private long _epoch;
    private long _burstEpoch = -1;
    private int _burstFloor;

    public AimdLimiter(int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _maxConcurrency = maxConcurrency;
        Limit = Math.Min(InitialLimit, maxConcurrency);
        _windowLimit = Limit;
    }

    /// <summary>Requests that may be in flight now.</summary>
    public int Limit { get; private set; }

    /// <summary>Requests in flight now.</summary>
    public int InFlight { get; private set; }

    /// <summary>Limit minus in flight (0 when full).</summary>
    public int Free => Math.Max(0, Limit - InFlight);

    /// <summary>The ceiling learned from the server's metrics, or null when none applies.</summary>
    public int? ServerCeiling { get; private set; }

    /// <summary>The highest the limit may go: <c>Remote:MaxConcurrency</c>, or less while the server queues.</summary>
    public int Cap => Math.Min(_maxConcurrency, ServerCeiling ?? int.MaxValue);

    /// <summary>Clean completions counted in the current window.</summary>
    public int CleanInWindow => _cleanInWindow;

    /// <summary>True while the limit grows by 1 per request admitted at once (no queue seen yet, or the queue went away).</summary>
    public bool SlowStart { get; private set; } = true;

    /// <summary>The fastest time to first event since the start (or the last <see cref="Reset"/>): the server's
    /// answer without a queue, against which each request's wait is measured.</summary>
    public TimeSpan? FastestFirstEvent { get; private set; }

    /// <summary>Takes a slot when one is free. <paramref name="epoch"/> identifies the limit generation the
    /// request started in (see <see cref="Release"/>).</summary>
    public bool TryAcquire(out long epoch)
    {
        epoch = _epoch;
        if (InFlight >= Limit)
            return false;
        InFlight++;
        if (InFlight >= Limit)
            _limitReached = true;
        return true;
    }

    /// <summary>The first streamed event of a request arrived <paramref name="timeToFirstEvent"/> after it was sent.
    /// Queued when it waited more than half the fastest first event (and at least <see cref="MinQueueDelay"/>) beyond it.</summary>
    public void FirstEvent(TimeSpan timeToFirstEvent)
    {
        if (FastestFirstEvent is not { } fastest || timeToFirstEvent < fastest)
            FastestFirstEvent = fastest = timeToFirstEvent;
        _firstEventsInWindow++;
        var allowance = fastest / 2 > MinQueueDelay ? fastest / 2 : MinQueueDelay;
        if (timeToFirstEvent - fastest > allowance)
        {
            _queuedInWindow++;
            if (SlowStart)
                Congested();
        }
        else if (SlowStart && _limitReached && _slowStartGrowth < Math.Max(1, _windowLimit / 2))
        {
            // NOTE: growth needs the limit to be in use: a limit that nothing fills says nothing about the server.
            // And at most half the window's limit per window: requests sent together (after a pause) are admitted
            // together, and their first events would otherwise double the limit before any queue can show.
            _slowStartGrowth++;
            Grow();
        }
    }

    /// <summary>Gives a slot back with what happened to the request.</summary>
    /// <param name="signal">Clean, overload, other failure, or nothing to learn.</param>
    /// <param name="startEpoch">The epoch returned by <see cref="TryAcquire"/>.</param>
    public void Release(LimiterSignal signal, long startEpoch)
    {
        InFlight = Math.Max(0, InFlight - 1);
        switch (signal)
        {
            case LimiterSignal.Clean:
                if (++_cleanInWindow >= Limit)
                    EndWindow();
                break;
            case LimiterSignal.Overload:
                Overloaded(startEpoch);
                break;
            case LimiterSignal.Failure:
                StartWindow();
                break;
        }
    }

    /// <summary>Halves the limit (at least 1), leaves slow start and starts a new generation and window.</summary>
    public void Decrease()
    {
        Congested();
        Limit = Math.Max(1, Limit / 2);
        StartWindow();
        _epoch++;
    }

    /// <summary>Sets or clears the server ceiling; a lower ceiling lowers the limit at once (and ends slow start).</summary>
    public void SetServerCeiling(int? ceiling)
    {
        ServerCeiling = ceiling is { } c ? Math.Max(1, c) : null;
        if (Limit > Cap)
        {
            Congested();
            Limit = Cap;
            StartWindow();
            _epoch++;
        }
    }

    /// <summary>Back to the starting limit in slow start (an endpoint that came back up may be a restarted server).</summary>
    public void Reset()
    {
        ServerCeiling = null;
        Limit = Math.Min(InitialLimit, _maxConcurrency);
        SlowStart = true;
        FastestFirstEvent = null;
        _clearWindows = 0;
        _congestedAt = 0;
        StartWindow();
        _epoch++;
    }

    private void EndWindow()
    {
        var seen = _firstEventsInWindow;
        var queued = _queuedInWindow;
        var used = _limitReached;
        var limit = Limit;
        if (!used)
        {
            // NOTE: a window that never filled the limit neither grows nor shrinks it: our limit did not make that queue
            // (and a client busy with other work can delay a first event by itself).
            StartWindow();
            return;
        }
        if (queued * 2 >= seen && queued > 0)
        {
            // A standing queue: most requests of the window waited. One less drains it without a cut.
            Congested();
            Limit = Math.Max(1, Limit - 1);
            StartWindow();
            return;
        }
        StartWindow();
        if (queued * 4 >= seen && queued > 0)
        {
            Congested();
            return;
        }
        if (!SlowStart || seen == 0)
            Grow();
        // NOTE: only a clear window at or above the limit where the last queue or refusal was seen, and one that could
        // grow the limit (not held at the cap), counts toward slow start: below that limit a clear window is expected
        // and says nothing new; at it, the server has found more room.
        if (queued > 0)
            _clearWindows = 0;
        else if (limit >= _congestedAt && Limit > limit && ++_clearWindows >= ClearWindowsBeforeSlowStart)
            SlowStart = true;
    }

    private void Overloaded(long startEpoch)
    {
        // NOTE: each refused request of a burst is one request more than the server could hold, so each takes 1 away;
        // but all of a burst answers requests sent under the old limit, so together they at most halve it (a cut per
        // reply would collapse the limit to 1 at once). A request sent after the first refusal starts a new burst.
        if (startEpoch == _epoch)
        {
            _burstEpoch = _epoch;
            _burstFloor = Math.Max(1, Limit / 2);
            _epoch++;
            Congested();
            StartWindow();
        }
        else if (startEpoch != _burstEpoch)
            return;
        Limit = Math.Max(_burstFloor, Limit - 1);
    }

    private void Grow() => Limit = Math.Min(Cap, Limit + 1);

    /// <summary>A queue or a refusal at the current limit: slow start ends and the count of clear windows restarts.</summary>
    private void Congested()
    {
        SlowStart = false;
        _clearWindows = 0;
        _congestedAt = Limit;
    }

    private void StartWindow()
    {
        _cleanInWindow = 0;
        _firstEventsInWindow = 0;
        _queuedInWindow = 0;
        _slowStartGrowth = 0;
        _windowLimit = Limit;
        _limitReached = InFlight >= Limit;
    }
}
