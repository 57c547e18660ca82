namespace InternS1.Batch.Remote.Faults;

/// <summary>
/// A fault that may pass: the client has retried the request (from scratch, on any endpoint that is up)
/// up to <c>Remote:MaxRetryAttempts</c> times and this is the last attempt's fault. The worker treats it
/// as a transient job failure (retried, the message stays unacknowledged).
/// </summary>
public sealed class RemoteTransientException : Exception
{
    public RemoteTransientException(RemoteFaultKind kind, string endpoint, string message, int? statusCode = null,
        TimeSpan? retryAfter = null, Exception? inner = null)
        : base($"{endpoint}: {message}", inner)
    {
        Kind = kind;
        Endpoint = endpoint;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
    }

    public RemoteFaultKind Kind { get; }

    /// <summary>The endpoint label (<c>host:port</c>) of the attempt that failed.</summary>
    public string Endpoint { get; }

    /// <summary>The HTTP status, when the fault was a status code.</summary>
    public int? StatusCode { get; }

    /// <summary>The server's <c>Retry-After</c>, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Attempts made in all (1 + retries), set when the client gives up.</summary>
    public int Attempts { get; internal set; } = 1;
}
