using System.Diagnostics.Metrics;
using InternS1.Batch.Remote.Endpoints;

namespace InternS1.Batch.Remote.Execution;

/// <summary>
/// How many jobs the remote executor works on at once: the endpoints' total adaptive limit
/// (<see cref="RemoteCapacity.TotalLimit"/>, each endpoint's at most <c>Remote:MaxConcurrency</c>) plus
/// <c>Remote:WaitingMargin</c> jobs prepared ahead, so a slot that frees is refilled at once. It follows the AIMD
/// limits as they move (<see cref="EndpointPool.CapacityChanged"/>). A job takes its place before its media is
/// fetched, so only that many jobs hold fetched media at a time.
/// </summary>
/// <remarks>
/// NOTE: MassTransit 8 sets RabbitMQ's prefetch and the concurrent message limit when an endpoint starts and offers
/// no way to change the prefetch of a running endpoint, so the consumer is configured with the most the servers
/// could take (<c>Remote:MaxConcurrency</c> x endpoints + margin) and this gate, sized by the limiters, decides how
/// many of the delivered jobs run. Deliveries beyond it wait unacknowledged, before any work or accounting.
/// </remarks>
public sealed class RemoteAdmission : IDisposable
{
    private readonly object _lock = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private readonly EndpointPool _pool;
    private readonly int _margin;
    private int _limit;
    private int _active;

    public RemoteAdmission(EndpointPool pool, int margin, IMeterFactory? meterFactory = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(margin);
        _pool = pool;
        _margin = margin;
        _limit = LimitFor(pool.Capacity);
        pool.CapacityChanged += OnCapacityChanged;
        if (meterFactory is not null)
        {
            var meter = meterFactory.Create(Telemetry.RemoteMetrics.MeterName);
            meter.CreateObservableGauge("interns1.remote.jobs_limit", () => Limit, "{job}", "Jobs the remote executor runs at once: the endpoints' total limit plus Remote:WaitingMargin.");
            meter.CreateObservableGauge("interns1.remote.jobs_active", () => Active, "{job}", "Jobs the remote executor is running (media fetched or request in flight).");
            meter.CreateObservableGauge("interns1.remote.jobs_waiting", () => Waiting, "{job}", "Delivered jobs waiting for a place in the remote executor.");
        }
    }

    /// <summary>Jobs that may run now.</summary>
    public int Limit
    {
        get
        {
            lock (_lock)
                return _limit;
        }
    }

    /// <summary>Jobs running now.</summary>
    public int Active
    {
        get
        {
            lock (_lock)
                return _active;
        }
    }

    /// <summary>Jobs waiting for a place.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
                return _waiting.Count;
        }
    }

    /// <summary>Waits for a place (first come, first served); dispose the handle when the job is done.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            if (_active < _limit && _waiting.Count == 0)
            {
                _active++;
                return new Place(this);
            }
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiting.AddLast(waiter);
        }
        try
        {
            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new Place(this);
        }
        catch (OperationCanceledException)
        {
            lock (_lock)
            {
                if (node.List is not null)
                    _waiting.Remove(node);
                else if (waiter.Task.IsCompletedSuccessfully)
                    Release(); // the place was handed over as the wait was cancelled: give it on
            }
            throw;
        }
    }

    public void Dispose() => _pool.CapacityChanged -= OnCapacityChanged;

    private int LimitFor(RemoteCapacity capacity) => Math.Max(1, capacity.TotalLimit) + _margin;

    private void OnCapacityChanged(object? sender, RemoteCapacity capacity)
    {
        lock (_lock)
        {
            _limit = LimitFor(capacity);
            Admit();
        }
    }

    /// <summary>Frees a place (under the lock) and hands it on.</summary>
    private void Release()
    {
        _active--;
        Admit();
    }

    private void Admit()
    {
        while (_active < _limit && _waiting.First is { } first)
        {
            _waiting.RemoveFirst();
            _active++;
            first.Value.TrySetResult();
        }
    }

    private sealed class Place(RemoteAdmission owner) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0)
                return;
            lock (owner._lock)
                owner.Release();
        }
    }
}
