namespace InternS1.Batch.Remote.Concurrency;

/// <summary>
/// Additive-increase / multiplicative-decrease concurrency limit of one endpoint (after the llm-d batch
/// gateway's controller, shared/notes/remote-engines.md §3.2). Starts at min(8, cap); after a window of
/// clean completions (window = the current limit) the limit grows by 1; an overload signal (503, 429,
/// timeout, a queue that persists on the server) halves it. The cap is <c>Remote:MaxConcurrency</c>,
/// lowered while the server shows a queue to the batch it is running (its effective batch size).
/// Not thread-safe: the endpoint pool serialises every call.
/// </summary>
public sealed class AimdLimiter
{
    /// <summary>The starting limit when the cap allows it.</summary>
    public const int InitialLimit = 8;

    private readonly int _maxConcurrency;
    private int _cleanInWindow;
    private long _epoch;

    public AimdLimiter(int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _maxConcurrency = maxConcurrency;
        Limit = Math.Min(InitialLimit, maxConcurrency);
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

    /// <summary>Takes a slot when one is free. <paramref name="epoch"/> identifies the limit generation the
    /// request started in (see <see cref="Release"/>).</summary>
    public bool TryAcquire(out long epoch)
    {
        epoch = _epoch;
        if (InFlight >= Limit)
            return false;
        InFlight++;
        return true;
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
                {
                    Limit = Math.Min(Cap, Limit + 1);
                    _cleanInWindow = 0;
                }
                break;
            case LimiterSignal.Overload:
                // NOTE: one decrease per generation. A burst of 503s answers requests that were all sent
                // under the old limit; halving once per reply would collapse the limit to 1 at once.
                if (startEpoch == _epoch)
                    Decrease();
                break;
            case LimiterSignal.Failure:
                _cleanInWindow = 0;
                break;
        }
    }

    /// <summary>Halves the limit (at least 1) and starts a new generation and window.</summary>
    public void Decrease()
    {
        Limit = Math.Max(1, Limit / 2);
        _cleanInWindow = 0;
        _epoch++;
    }

    /// <summary>Sets or clears the server ceiling; a lower ceiling lowers the limit at once.</summary>
    public void SetServerCeiling(int? ceiling)
    {
        ServerCeiling = ceiling is { } c ? Math.Max(1, c) : null;
        if (Limit > Cap)
        {
            Limit = Cap;
            _cleanInWindow = 0;
            _epoch++;
        }
    }

    /// <summary>Back to the starting limit (an endpoint that came back up may be a restarted server).</summary>
    public void Reset()
    {
        ServerCeiling = null;
        Limit = Math.Min(InitialLimit, _maxConcurrency);
        _cleanInWindow = 0;
        _epoch++;
    }
}
