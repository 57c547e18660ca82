using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>
/// Whether the worker takes jobs. Named sources close the gate while something every job needs is gone (the
/// remote engine: every endpoint down; issue 15: the database) and open it again when it is back; the gate is
/// open while no source holds it closed. While it is closed the job queue's receive endpoint is stopped (the
/// broker keeps the jobs, deliveries not yet started go back to the queue), a delivery the consumer already
/// holds waits at <see cref="WaitOpenAsync"/> before it starts (so no attempt and no retry is spent), and
/// readiness reports which sources closed it and why. Pausing and resuming are logged.
/// </summary>
/// <remarks>
/// A new source is a few lines: call <see cref="Close"/> with its name and the reason when its dependency goes
/// away and <see cref="Open"/> with its name when it is back (both are idempotent and thread-safe).
/// </remarks>
public sealed partial class IntakeGate(ILogger<IntakeGate> logger, TimeProvider time)
{
    private readonly object _lock = new();
    private readonly SortedDictionary<string, string> _closedBy = new(StringComparer.Ordinal);
    private TaskCompletionSource _opened = NewOpenedSignal(completed: true);
    private DateTimeOffset _pausedAt;

    /// <summary>Raised with <c>true</c> when the gate opens and <c>false</c> when it closes (synchronously, outside
    /// the gate's lock; keep handlers short).</summary>
    public event EventHandler<bool>? Changed;

    /// <summary>True while no source holds the gate closed.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_lock)
                return _closedBy.Count == 0;
        }
    }

    /// <summary>The sources holding the gate closed, each with its reason, in name order (empty when open).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ClosedBy
    {
        get
        {
            lock (_lock)
                return _closedBy.ToList();
        }
    }

    /// <summary>What readiness and the logs say: <c>"source: reason; ..."</c>, or empty when open.</summary>
    public string Reasons => string.Join("; ", ClosedBy.Select(kv => $"{kv.Key}: {kv.Value}"));

    /// <summary>Closes the gate for <paramref name="source"/> (or updates its reason when it already holds it).</summary>
    public void Close(string source, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        bool closedNow;
        lock (_lock)
        {
            if (_closedBy.TryGetValue(source, out var existing) && existing == reason)
                return;
            closedNow = _closedBy.Count == 0;
            _closedBy[source] = reason;
            if (closedNow)
            {
                _opened = NewOpenedSignal(completed: false);
                _pausedAt = time.GetUtcNow();
            }
        }
        if (closedNow)
        {
            LogPaused(source, reason);
            Changed?.Invoke(this, false);
        }
        else
            LogStillPaused(source, reason, Reasons);
    }

    /// <summary>Releases <paramref name="source"/>'s hold; the gate opens when no other source holds it.</summary>
    public void Open(string source)
    {
        TaskCompletionSource opened;
        TimeSpan paused;
        string? stillHeldBy = null;
        lock (_lock)
        {
            if (!_closedBy.Remove(source))
                return;
            opened = _opened;
            paused = time.GetUtcNow() - _pausedAt;
            if (_closedBy.Count > 0)
                stillHeldBy = string.Join("; ", _closedBy.Select(kv => $"{kv.Key}: {kv.Value}"));
        }
        if (stillHeldBy is not null)
        {
            LogStillPaused(source, "released", stillHeldBy);
            return;
        }
        LogResumed(source, paused.TotalSeconds);
        opened.TrySetResult();
        Changed?.Invoke(this, true);
    }

    /// <summary>Completes at once while the gate is open, else when it opens.</summary>
    public Task WaitOpenAsync(CancellationToken cancellationToken)
    {
        Task opened;
        lock (_lock)
            opened = _opened.Task;
        return opened.IsCompleted ? Task.CompletedTask : opened.WaitAsync(cancellationToken);
    }

    private static TaskCompletionSource NewOpenedSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
            signal.SetResult();
        return signal;
    }

    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "Intake paused: {Source}: {Reason}. Jobs stay in the queue until it resumes")]
    private partial void LogPaused(string source, string reason);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Information, Message = "Intake resumed ({Source} is back) after {PausedSeconds:0.0} s")]
    private partial void LogResumed(string source, double pausedSeconds);

    [LoggerMessage(EventId = 7203, Level = LogLevel.Information, Message = "Intake still paused ({Source}: {Reason}); held by {Reasons}")]
    private partial void LogStillPaused(string source, string reason, string reasons);
}
