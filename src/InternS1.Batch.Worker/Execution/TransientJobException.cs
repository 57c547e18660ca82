namespace InternS1.Batch.Worker.Execution;

/// <summary>An infrastructure fault that may pass (engine out of memory, media host unreachable
/// for a retryable reason): the job is retried with backoff and dead-lettered with
/// <c>retries_exhausted</c> when attempts run out.</summary>
public sealed class TransientJobException : Exception
{
    public TransientJobException(string message) : base(message) { }
    public TransientJobException(string message, Exception inner) : base(message, inner) { }
}
