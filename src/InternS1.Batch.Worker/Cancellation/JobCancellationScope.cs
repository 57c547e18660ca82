namespace InternS1.Batch.Worker.Cancellation;

/// <summary>One running job's cancellation: <see cref="Token"/> fires on a cancel of the job or on shutdown.</summary>
public sealed class JobCancellationScope : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly Action _unregister;
    private int _cancelled;

    internal JobCancellationScope(string jobId, string dataset, CancellationToken deliveryToken, Action unregister)
    {
        JobId = jobId;
        Dataset = dataset;
        _source = CancellationTokenSource.CreateLinkedTokenSource(deliveryToken);
        _unregister = unregister;
    }

    public string JobId { get; }

    public string Dataset { get; }

    /// <summary>Pass this to the executor: fires on a cancel of the job or when the delivery is cancelled (shutdown).</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>True once a <c>CancelJobs</c> named this job (as opposed to a shutdown).</summary>
    public bool IsCancelled => Volatile.Read(ref _cancelled) == 1;

    /// <summary>Marks the job cancelled and fires <see cref="Token"/>; false if it was cancelled already.</summary>
    internal bool Cancel()
    {
        if (Interlocked.Exchange(ref _cancelled, 1) == 1)
            return false;
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // NOTE: the delivery ended between the lookup and the cancel; nothing is left to stop.
        }
        return true;
    }

    public void Dispose()
    {
        _unregister();
        _source.Dispose();
    }
}
