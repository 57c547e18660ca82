using InternS1.Batch.Remote.Concurrency;

namespace InternS1.Batch.Remote.Endpoints;

/// <summary>What one attempt did to its endpoint: the limiter signal, the health accounting and any
/// cool-down the server asked for.</summary>
internal readonly record struct AttemptOutcome(LimiterSignal Signal, bool Healthy, bool CountsAsFailure, bool TakeDown, TimeSpan? RetryAfter, string? Reason)
{
    /// <summary>Streamed to the end.</summary>
    public static AttemptOutcome Success { get; } = new(LimiterSignal.Clean, true, false, false, null, null);

    /// <summary>503 or 429 (the server is alive but full).</summary>
    public static AttemptOutcome Overloaded(TimeSpan? retryAfter) => new(LimiterSignal.Overload, false, false, false, retryAfter, null);

    /// <summary>No first event or a stalled stream: overload, and possibly a dead server.</summary>
    public static AttemptOutcome Timeout(string reason) => new(LimiterSignal.Overload, false, true, false, null, reason);

    /// <summary>Transport error, 5xx, dropped stream.</summary>
    public static AttemptOutcome Failed(string reason) => new(LimiterSignal.Failure, false, true, false, null, reason);

    /// <summary>The API key was refused: no request can succeed until the configuration changes.</summary>
    public static AttemptOutcome Unauthorized(string reason) => new(LimiterSignal.Failure, false, true, true, null, reason);

    /// <summary>A server-side abort or generation error of this request only.</summary>
    public static AttemptOutcome RequestFailed { get; } = new(LimiterSignal.Failure, true, false, false, null, null);

    /// <summary>The server answered and refused the request as bad input: alive, nothing to learn about load.</summary>
    public static AttemptOutcome Rejected { get; } = new(LimiterSignal.None, true, false, false, null, null);

    /// <summary>Says nothing about the server (cancelled by us, refused before sending).</summary>
    public static AttemptOutcome Neutral { get; } = new(LimiterSignal.None, false, false, false, null, null);
}
