namespace InternS1.Batch.Http.Serve;

/// <summary>A request the endpoint refuses: the HTTP status, the reason code (the worker's dead-letter vocabulary,
/// <c>FailureReasons</c>, where one applies), the request field at fault in OpenAI's naming, and a message that
/// names the field and the problem (the same message a job's dead letter would carry).</summary>
public sealed class ServeException(int status, string code, string message, string? param = null, int? retryAfterSeconds = null)
    : Exception(message)
{
    /// <summary>The HTTP status (400, 413, 503, ...).</summary>
    public int Status { get; } = status;

    /// <summary>The error's <c>code</c>.</summary>
    public string Code { get; } = code;

    /// <summary>The error's <c>param</c>: the request field at fault, or null.</summary>
    public string? Param { get; } = param;

    /// <summary>Seconds for the <c>Retry-After</c> header of a 503, or null.</summary>
    public int? RetryAfterSeconds { get; } = retryAfterSeconds;
}
