using Microsoft.AspNetCore.Http;

namespace InternS1.Batch.Http.Serve;

/// <summary>
/// Bounds the interactive requests waiting for the engine (<c>Serve:MaxWaiting</c>): those accepted by the endpoint
/// (being prepared, or admitted to the engine) that do not run yet. Waiting = in flight − running in the engine (its
/// scheduler's count, read without locking: it may lag a step, which only over-counts waiting). A request that finds
/// MaxWaiting already waiting is refused with 503 and <c>Retry-After</c>.
/// </summary>
public sealed class InteractiveAdmission(int maxWaiting, Func<int> runningInEngine)
{
    /// <summary>Seconds a refused client is asked to wait.</summary>
    public const int RetryAfterSeconds = 1;

    private readonly object _lock = new();
    private int _inFlight;

    /// <summary>Accepted requests not yet ended.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Accepted requests not yet running in the engine.</summary>
    public int Waiting => Math.Max(0, InFlight - runningInEngine());

    /// <summary>Takes a place for one request (dispose it when the request ends).</summary>
    /// <exception cref="ServeException">503 when <paramref name="maxWaiting"/> requests already wait.</exception>
    public IDisposable Enter()
    {
        lock (_lock)
        {
            var waiting = Waiting;
            if (waiting >= maxWaiting)
                throw new ServeException(StatusCodes.Status503ServiceUnavailable, "server_busy",
                    $"engine: {waiting} interactive requests are waiting for a slot, the limit is Serve:MaxWaiting = {maxWaiting}; retry later",
                    retryAfterSeconds: RetryAfterSeconds);
            Interlocked.Increment(ref _inFlight);
        }
        return new Place(this);
    }

    private sealed class Place(InteractiveAdmission owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref owner._inFlight);
        }
    }
}
