namespace InternS1.Batch.Worker.Consumers;

/// <summary>
/// Crash attribution in one worker process. When a worker dies, every job it was running is redelivered with its
/// <c>jobs.crashes</c> grown, the culprit's and its innocent neighbours' alike. Such a suspect runs alone: it takes this
/// gate exclusively, so no other job runs in the worker (and none starts: waiting suspects go first) until it ends.
/// A suspect that kills the worker again is the only job blamed for it (the others had not started), and reaches
/// <c>Worker:MaxAttempts</c> alone; an innocent one ends normally. Ordinary jobs share the gate. <see cref="InstanceId"/>
/// tells a delivery this process ended (a transient fault, a hand-back at shutdown) from one whose worker died.
/// Thread-safe.
/// </summary>
public sealed class CrashIsolation
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = NewSignal();
    private int _shared;
    private bool _exclusive;
    private int _exclusiveWaiting;

    /// <summary>This worker process's id in <c>jobs.attempt_owner</c>.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Jobs running alone now, or waiting to (for tests and logs).</summary>
    public int Suspects
    {
        get { lock (_lock) return _exclusiveWaiting + (_exclusive ? 1 : 0); }
    }

    /// <summary>Enters the gate: alone (a suspect) or shared with the other ordinary jobs. Dispose the lease to leave.</summary>
    public async Task<IDisposable> EnterAsync(bool alone, CancellationToken cancellationToken)
    {
        if (alone)
            lock (_lock) _exclusiveWaiting++;
        try
        {
            while (true)
            {
                Task changed;
                lock (_lock)
                {
                    if (alone ? !_exclusive && _shared == 0 : !_exclusive && _exclusiveWaiting == 0)
                    {
                        if (alone)
                        {
                            _exclusiveWaiting--;
                            _exclusive = true;
                        }
                        else _shared++;
                        return new Lease(this, alone);
                    }
                    changed = _changed.Task;
                }
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            if (alone)
                Signal(() => _exclusiveWaiting--);
            throw;
        }
    }

    private void Leave(bool alone) => Signal(() =>
    {
        if (alone) _exclusive = false;
        else _shared--;
    });

    private void Signal(Action change)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            change();
            changed = _changed;
            _changed = NewSignal();
        }
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Lease(CrashIsolation gate, bool alone) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
                gate.Leave(alone);
        }
    }
}
