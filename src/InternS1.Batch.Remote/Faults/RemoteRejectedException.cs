using InternS1.Batch.Remote.Options;

namespace InternS1.Batch.Remote.Faults;

/// <summary>
/// The server refused the request as given (HTTP 400, 404, 413, 422 and other client errors except
/// 401/403/408/409/429): retrying cannot help. Carries the server's own message (e.g. the context-length
/// error); the worker dead-letters the job as <c>engine_rejected</c>.
/// </summary>
public sealed class RemoteRejectedException : Exception
{
    public RemoteRejectedException(string endpoint, RemoteFlavor flavor, int statusCode, string serverMessage)
        : base($"the {flavor.ToString().ToLowerInvariant()} server at {endpoint} rejected the request (HTTP {statusCode}): {serverMessage}")
    {
        Endpoint = endpoint;
        Flavor = flavor;
        StatusCode = statusCode;
        ServerMessage = serverMessage;
    }

    /// <summary>The endpoint label (<c>host:port</c>).</summary>
    public string Endpoint { get; }

    public RemoteFlavor Flavor { get; }

    public int StatusCode { get; }

    /// <summary>The error message from the response body (<c>error.message</c>, <c>message</c>, <c>detail</c> or the text).</summary>
    public string ServerMessage { get; }
}
