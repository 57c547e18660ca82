using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Options;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace InternS1.Batch.Worker.Telemetry;

/// <summary>Sets up the Prometheus listener on <c>Worker:MetricsHost</c> and <c>Worker:MetricsPort</c>.</summary>
internal static class PrometheusEndpoint
{
    /// <summary><c>Worker:MetricsHost</c> (loopback unless set) and <c>Worker:MetricsPort</c> (0: no endpoint) as
    /// <paramref name="configuration"/> gives them.</summary>
    public static (string Host, int Port) Address(IConfiguration configuration) => (
        configuration[$"{WorkerOptions.SectionName}:{nameof(WorkerOptions.MetricsHost)}"] ?? ListenHost.Loopback,
        configuration.GetValue($"{WorkerOptions.SectionName}:{nameof(WorkerOptions.MetricsPort)}", 0));

    /// <summary>Points <paramref name="options"/> at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static void Configure(PrometheusHttpListenerOptions options, string host, int port)
    {
        options.Port = port;
        if (!ListenHost.IsAny(host))
        {
            options.Host = host;
            return;
        }
        // NOTE: the exporter builds a URI from Host, and "*" is no host name ("Invalid URI: The hostname could not
        // be parsed" stopped the worker); for every interface the listener's prefix is replaced after it is built.
        options.ConfigureHttpListener = (o, listener) =>
        {
            var path = "/" + (o.ScrapeEndpointPath ?? "/metrics").Trim('/') + "/";
            listener.Prefixes.Clear();
            listener.Prefixes.Add($"http://{ListenHost.Any}:{port}{path}");
        };
    }
}
