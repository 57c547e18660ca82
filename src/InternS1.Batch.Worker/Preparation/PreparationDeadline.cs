using System.Diagnostics;

namespace InternS1.Batch.Worker.Preparation;

/// <summary>
/// The one deadline of a job's preparation (<c>Media:PreparationTimeout</c>): a token that is cancelled when the
/// preparation has run for the limit, or when the caller's token is. <see cref="Pause"/> and <see cref="Resume"/>
/// leave out time spent waiting for the decoded-media budget (back-pressure, not the job's doing).
/// </summary>
internal sealed class PreparationDeadline : IDisposable
{
    private readonly CancellationToken _outer;
    private readonly CancellationTokenSource _cts;
    private readonly Stopwatch _running = Stopwatch.StartNew();

    public PreparationDeadline(TimeSpan limit, CancellationToken outer)
    {
        Limit = limit;
        _outer = outer;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _cts.CancelAfter(limit);
    }

    public TimeSpan Limit { get; }

    public CancellationToken Token => _cts.Token;

    /// <summary>True when the deadline (not the caller) cancelled the token.</summary>
    public bool Expired => _cts.IsCancellationRequested && !_outer.IsCancellationRequested;

    /// <summary>Stops the clock.</summary>
    public void Pause()
    {
        _running.Stop();
        _cts.CancelAfter(Timeout.InfiniteTimeSpan);
    }

    /// <summary>Starts the clock again with the time that was left.</summary>
    public void Resume()
    {
        var left = Limit - _running.Elapsed;
        _running.Start();
        if (left <= TimeSpan.Zero) _cts.Cancel();
        else _cts.CancelAfter(left);
    }

    public void Dispose() => _cts.Dispose();
}
