using System.Net;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Telemetry;
using Microsoft.Extensions.Configuration;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>
/// What to tell the user when one of the worker's HTTP endpoints could not listen (its port held by another process,
/// or an address this machine does not have): one line naming the option, the address and the reason. The health
/// endpoint throws it itself (<c>HealthEndpoint</c>); for the metrics endpoint it replaces the OpenTelemetry
/// exporter's own message, which says only "PrometheusExporter HttpListener could not be started".
/// </summary>
public static class ListenerStartFailure
{
    /// <summary>The message for <paramref name="error"/> when it is the metrics listener's start failure; else null.</summary>
    public static string? Describe(Exception error, IConfiguration configuration)
    {
        if (error is not InvalidOperationException { InnerException: HttpListenerException listener })
            return null;
        var (host, port) = PrometheusEndpoint.Address(configuration);
        return port > 0 ? Message(nameof(WorkerOptions.MetricsPort), "the Prometheus endpoint", host, port, listener.Message) : null;
    }

    /// <summary>The line for <c>Worker:<paramref name="portOption"/></c>, whose <paramref name="endpoint"/> could not
    /// listen on <paramref name="host"/>:<paramref name="port"/> for <paramref name="reason"/>.</summary>
    internal static string Message(string portOption, string endpoint, string host, int port, string reason) =>
        $"{WorkerOptions.SectionName}:{portOption} {port}: {endpoint} could not listen on {host}:{port} ({reason}). " +
        "Free the port or choose another (0 turns the endpoint off).";
}
