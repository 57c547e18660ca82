namespace InternS1.Media.Intake;

/// <summary>
/// A byte-weighted semaphore over decoded media (<see cref="MediaOptions.MaxDecodedBytes"/>): a job reserves the
/// memory its parts will need (<see cref="ProbedMedia.TransientBytes"/> + <see cref="ProbedMedia.TileBytes"/>) before
/// decoding them, shrinks the reservation to the tiles it keeps once decoded, and returns it when it ends. Waiters are
/// served in arrival order, so a large job is not starved by small ones. When the budget falls idle after at least
/// <see cref="ReclaimAfterBytes"/> were reserved, the process gives memory back to the OS (<see cref="MemoryReclaimer"/>).
/// Thread-safe.
/// </summary>
public sealed class DecodedMemoryBudget
{
    /// <summary>Reserved bytes between two reclaims that make an idle budget give memory back (256 MiB).</summary>
    public const long ReclaimAfterBytes = 256L * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly LinkedList<(long Bytes, TaskCompletionSource<Reservation> Granted)> _waiting = new();
    private readonly Action _reclaim;
    private long _reserved;
    private long _sinceReclaim;
    private long _reclaims;

    /// <param name="capacityBytes">The budget.</param>
    /// <param name="reclaim">What to run when the budget falls idle after heavy use; default <see cref="MemoryReclaimer.Reclaim"/>.</param>
    public DecodedMemoryBudget(long capacityBytes, Action? reclaim = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 1);
        CapacityBytes = capacityBytes;
        _reclaim = reclaim ?? (() => MemoryReclaimer.Reclaim());
    }

    public long CapacityBytes { get; }

    /// <summary>Bytes reserved now.</summary>
    public long ReservedBytes
    {
        get { lock (_lock) return _reserved; }
    }

    /// <summary>Reservations waiting for room now.</summary>
    public int Waiting
    {
        get { lock (_lock) return _waiting.Count; }
    }

    /// <summary>Times the budget fell idle after heavy use and reclaimed memory.</summary>
    public long Reclaims => Interlocked.Read(ref _reclaims);

    /// <summary>Waits until <paramref name="bytes"/> fit and reserves them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">More than the whole budget: refuse the job instead.</exception>
    public Task<Reservation> ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, CapacityBytes);
        LinkedListNode<(long Bytes, TaskCompletionSource<Reservation> Granted)> node;
        lock (_lock)
        {
            if (_waiting.Count == 0 && _reserved + bytes <= CapacityBytes)
                return Task.FromResult(Grant(bytes));
            node = _waiting.AddLast((bytes, new TaskCompletionSource<Reservation>(TaskCreationOptions.RunContinuationsAsynchronously)));
        }
        return WaitAsync(node, cancellationToken);
    }

    private async Task<Reservation> WaitAsync(LinkedListNode<(long Bytes, TaskCompletionSource<Reservation> Granted)> node, CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.Register(() =>
        {
            bool removed;
            lock (_lock)
            {
                removed = node.List is not null;
                if (removed) _waiting.Remove(node);
            }
            if (removed) node.Value.Granted.TrySetCanceled(cancellationToken);
            GrantWaiting();
        }).ConfigureAwait(false);
        return await node.Value.Granted.Task.ConfigureAwait(false);
    }

    private Reservation Grant(long bytes)
    {
        _reserved += bytes;
        _sinceReclaim += bytes;
        return new Reservation(this, bytes);
    }

    private void Return(long bytes)
    {
        var reclaim = false;
        lock (_lock)
        {
            _reserved -= bytes;
            if (_reserved == 0 && _waiting.Count == 0 && _sinceReclaim >= ReclaimAfterBytes)
            {
                _sinceReclaim = 0;
                reclaim = true;
            }
        }
        GrantWaiting();
        if (reclaim)
        {
            Interlocked.Increment(ref _reclaims);
            ThreadPool.QueueUserWorkItem(_ => _reclaim());
        }
    }

    private void GrantWaiting()
    {
        var granted = new List<(TaskCompletionSource<Reservation>, Reservation)>();
        lock (_lock)
        {
            while (_waiting.First is { } first && _reserved + first.Value.Bytes <= CapacityBytes)
            {
                _waiting.RemoveFirst();
                granted.Add((first.Value.Granted, Grant(first.Value.Bytes)));
            }
        }
        foreach (var (waiter, reservation) in granted)
        {
            if (!waiter.TrySetResult(reservation))
                reservation.Dispose(); // cancelled in the meantime
        }
    }

    /// <summary>Bytes held in a <see cref="DecodedMemoryBudget"/> until disposed.</summary>
    public sealed class Reservation : IDisposable
    {
        private readonly DecodedMemoryBudget _budget;
        private long _bytes;

        internal Reservation(DecodedMemoryBudget budget, long bytes)
        {
            _budget = budget;
            _bytes = bytes;
        }

        /// <summary>Bytes held now.</summary>
        public long Bytes => Interlocked.Read(ref _bytes);

        /// <summary>Returns all but <paramref name="bytes"/> (never grows the reservation).</summary>
        public void ShrinkTo(long bytes)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(bytes);
            long current, next;
            do
            {
                current = Interlocked.Read(ref _bytes);
                next = Math.Min(current, bytes);
            }
            while (Interlocked.CompareExchange(ref _bytes, next, current) != current);
            if (current > next) _budget.Return(current - next);
        }

        public void Dispose()
        {
            var bytes = Interlocked.Exchange(ref _bytes, 0);
            if (bytes > 0) _budget.Return(bytes);
        }
    }
}
