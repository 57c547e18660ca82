using InternS1.Batch.Remote.Flavors;

namespace InternS1.Batch.Remote.Endpoints;

/// <summary>
/// One request's slot on one endpoint, taken from <see cref="EndpointPool"/>. <see cref="Complete"/> gives
/// it back with what the attempt did (limiter signal, health); disposing without completing gives it back
/// saying nothing about the server.
/// </summary>
internal sealed class EndpointLease : IDisposable
{
    private readonly EndpointPool _pool;
    private int _done;

    public EndpointLease(EndpointPool pool, RemoteEndpoint endpoint, long epoch, FlavorDialect dialect, string model)
    {
        _pool = pool;
        Endpoint = endpoint;
        Epoch = epoch;
        Dialect = dialect;
        Model = model;
    }

    public RemoteEndpoint Endpoint { get; }

    /// <summary>The limiter generation the request started in.</summary>
    public long Epoch { get; }

    /// <summary>The flavor of the endpoint when the slot was taken.</summary>
    public FlavorDialect Dialect { get; }

    /// <summary>The model to send.</summary>
    public string Model { get; }

    /// <summary>The first streamed event arrived (the server admitted the request): tells the limiter how long
    /// it waited. Ignored after <see cref="Complete"/>.</summary>
    public void FirstEvent(TimeSpan timeToFirstEvent)
    {
        if (Volatile.Read(ref _done) == 0)
            _pool.FirstEvent(this, timeToFirstEvent);
    }

    public void Complete(AttemptOutcome outcome)
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
            _pool.Complete(this, outcome);
    }

    public void Dispose() => Complete(AttemptOutcome.Neutral);
}
