using InternS1.Batch.Remote.Faults;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Remote.Telemetry;

/// <summary>The remote engine's log messages (source-generated; endpoint labels never carry credentials,
/// and no message ever includes the API key or request headers).</summary>
internal static partial class RemoteLog
{
    [LoggerMessage(EventId = 7101, Level = LogLevel.Information,
        Message = "Remote endpoint {Endpoint} is up: flavor {Flavor} ({Evidence}), model {Model}, concurrency limit {Limit}")]
    public static partial void EndpointUp(ILogger logger, string endpoint, string flavor, string evidence, string model, int limit);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Remote endpoint {Endpoint} is down: {Reason}")]
    public static partial void EndpointDown(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning,
        Message = "Every remote endpoint is down ({Endpoints} configured): no request can be sent until one recovers")]
    public static partial void AllEndpointsDown(ILogger logger, int endpoints);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Information,
        Message = "Remote endpoints available again: {Up} of {Endpoints} up, total concurrency limit {TotalLimit}")]
    public static partial void EndpointsAvailable(ILogger logger, int up, int endpoints, int totalLimit);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Information,
        Message = "Remote endpoint {Endpoint}: models [{Models}], owned_by {OwnedBy}, health {Health}, version {Version}; flavor {Flavor}")]
    public static partial void Detected(ILogger logger, string endpoint, string models, string ownedBy, string health, string version, string flavor);

    [LoggerMessage(EventId = 7106, Level = LogLevel.Information,
        Message = "Remote request attempt {Attempt} on {Endpoint} failed ({Kind}): {Error}; retrying in {Delay}")]
    public static partial void Retrying(ILogger logger, int attempt, string endpoint, RemoteFaultKind kind, string error, TimeSpan delay);

    [LoggerMessage(EventId = 7107, Level = LogLevel.Debug, Message = "Best-effort abort of {RequestId} on {Endpoint} failed: {Error}")]
    public static partial void AbortFailed(ILogger logger, string requestId, string endpoint, string error);

    [LoggerMessage(EventId = 7108, Level = LogLevel.Debug,
        Message = "Remote endpoint {Endpoint} reports {Waiting} waiting and {Running} running requests; limit {Limit} (cap {Cap})")]
    public static partial void ServerLoad(ILogger logger, string endpoint, int waiting, int running, int limit, int cap);

    [LoggerMessage(EventId = 7109, Level = LogLevel.Debug, Message = "Could not read metrics of {Endpoint}: {Error}")]
    public static partial void MetricsUnavailable(ILogger logger, string endpoint, string error);

    [LoggerMessage(EventId = 7110, Level = LogLevel.Warning,
        Message = "Job {JobId}: thinking was requested off but the {Flavor} server at {Endpoint} returned reasoning; stored and flagged (results.thinking_ignored)")]
    public static partial void ThinkingIgnored(ILogger logger, string jobId, string endpoint, string flavor);

    [LoggerMessage(EventId = 7111, Level = LogLevel.Information,
        Message = "Job {JobId} waits for a remote endpoint to come back (every endpoint went down under it after {Attempts} attempts: {Error}); no retry is spent")]
    public static partial void WaitingForEndpoints(ILogger logger, string jobId, int attempts, string error);

    [LoggerMessage(EventId = 7112, Level = LogLevel.Information,
        Message = "Remote engine: {Endpoints} endpoint(s), flavor {Flavor}, at most {MaxConcurrency} requests in flight per endpoint; the consumer holds up to {Prefetch} jobs")]
    public static partial void Composed(ILogger logger, int endpoints, string flavor, int maxConcurrency, int prefetch);
}
