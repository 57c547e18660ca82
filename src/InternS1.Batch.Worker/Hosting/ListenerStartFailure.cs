using System.Net;
using InternS1.Batch.Worker.Options;
using Microsoft.Extensions.Configuration;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>
/// What to tell the user when the worker's start failed because its Prometheus listener could not listen
/// (<c>Worker:MetricsPort</c> held by another process, or an address this machine does not have). The OpenTelemetry
/// exporter says only "PrometheusExporter HttpListener could not be started"; this names the option, the address
/// and the reason. (The health endpoint names <c>Worker:HealthPort</c> itself, see <c>HealthEndpoint</c>.)
/// </summary>
public static class ListenerStartFailure
{
    /// <summary>The message for <paramref name="error"/> when it is the metrics listener's start failure; else null.</summary>
    public static string? Describe(Exception error, IConfiguration configuration)
    {
        if (error is not InvalidOperationException { InnerException: HttpListenerException listener })
            return null;
        var port = configuration.GetValue($"{WorkerOptions.SectionName}:{nameof(WorkerOptions.MetricsPort)}", 0);
        if (port <= 0)
            return null;
        var host = configuration[$"{WorkerOptions.SectionName}:{nameof(WorkerOptions.MetricsHost)}"] ?? ListenHost.Loopback;
        return $"Worker:MetricsPort {port}: the Prometheus endpoint could not listen on {host}:{port} ({listener.Message}). " +
            "Free the port or choose another (0 turns the endpoint off).";
    }
}
