namespace InternS1.Batch.Remote.Faults;

/// <summary>What went wrong in a transient fault. Every kind is retried by the client (a fresh request
/// from scratch) and, when retries run out, surfaces as <see cref="RemoteTransientException"/>.</summary>
public enum RemoteFaultKind
{
    /// <summary>HTTP 503 or 429: the server is overloaded (the limiter shrinks; <c>Retry-After</c> is honoured).</summary>
    Overloaded,
    /// <summary>Another 5xx status (the endpoint's failure count grows).</summary>
    ServerError,
    /// <summary>HTTP 401 or 403: the API key was refused (the endpoint is taken down until a probe passes).</summary>
    Unauthorized,
    /// <summary>No connection, or it failed before the response headers.</summary>
    Transport,
    /// <summary>No streamed event within <c>Remote:RequestTimeout</c> (a server that never answers).</summary>
    FirstByteTimeout,
    /// <summary>No streamed event within <c>Remote:StreamIdleTimeout</c> after streaming began.</summary>
    IdleTimeout,
    /// <summary>The connection dropped or the stream ended without <c>[DONE]</c>.</summary>
    StreamInterrupted,
    /// <summary>A <c>data: {"error": ...}</c> event inside an HTTP 200 stream.</summary>
    StreamError,
    /// <summary>The server ended the generation with <c>finish_reason</c> <c>abort</c>.</summary>
    Aborted,
    /// <summary>The server ended the generation with <c>finish_reason</c> <c>error</c>.</summary>
    GenerationError,
}
