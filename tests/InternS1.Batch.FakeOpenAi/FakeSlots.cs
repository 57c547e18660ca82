namespace InternS1.Batch.FakeOpenAi;

/// <summary>The fake's "GPU batch": at most <see cref="Capacity"/> requests generate at once, the rest wait in
/// FIFO order, and a request that finds <see cref="QueueLimit"/> others waiting is refused. The capacity can
/// change while requests run (a server whose batch shrinks or grows).</summary>
public sealed class FakeSlots(int capacity, int queueLimit)
{
    private readonly object _gate = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();

    public int Capacity { get; private set; } = capacity;

    public int QueueLimit { get; } = queueLimit;

    public int Running { get; private set; }

    public int Waiting
    {
        get
        {
            lock (_gate)
                return _waiting.Count;
        }
    }

    /// <summary>Most requests that were generating at the same time.</summary>
    public int PeakRunning { get; private set; }

    /// <summary>Admits a request: null when the queue is full (answer 503), else a task that completes when
    /// the request holds a slot (cancel it to leave the queue).</summary>
    public Task? TryEnter(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Running < Capacity && _waiting.Count == 0)
            {
                Take();
                return Task.CompletedTask;
            }
            if (_waiting.Count >= QueueLimit)
                return null;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var node = _waiting.AddLast(waiter);
            cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    if (node.List is not null)
                        _waiting.Remove(node);
                }
                waiter.TrySetCanceled(cancellationToken);
            });
            return waiter.Task;
        }
    }

    /// <summary>Frees a slot and hands it to the first waiter.</summary>
    public void Leave()
    {
        lock (_gate)
        {
            Running--;
            Admit();
        }
    }

    public void SetCapacity(int capacity)
    {
        lock (_gate)
        {
            Capacity = capacity;
            Admit();
        }
    }

    private void Admit()
    {
        while (Running < Capacity && _waiting.First is { } first)
        {
            _waiting.RemoveFirst();
            if (first.Value.Task.IsCompleted)
                continue;
            Take();
            first.Value.TrySetResult();
        }
    }

    private void Take()
    {
        Running++;
        PeakRunning = Math.Max(PeakRunning, Running);
    }
}
