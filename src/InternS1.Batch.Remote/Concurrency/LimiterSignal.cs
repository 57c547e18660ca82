namespace InternS1.Batch.Remote.Concurrency;

/// <summary>What one request tells the <see cref="AimdLimiter"/> when it gives its slot back.</summary>
public enum LimiterSignal
{
    /// <summary>Completed cleanly: counts toward the window that grows the limit by 1.</summary>
    Clean,

    /// <summary>503, 429 or a timeout: takes 1 from the limit per refused request of a burst, at most halving it.</summary>
    Overload,

    /// <summary>Another failure: no change, but the clean window starts again.</summary>
    Failure,

    /// <summary>Says nothing about the server (cancelled by us, refused before sending, rejected as bad input).</summary>
    None,
}
