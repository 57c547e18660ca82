using InternS1.Batch.Worker.Telemetry;
using InternS1.Engine.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace InternS1.Batch.Http.Hosting;

/// <summary>The service's meters (<c>InternS1.Batch</c>: the worker's and the engine's instruments) in the
/// Prometheus text format on the web host, through the OpenTelemetry ASP.NET Core exporter.</summary>
public static class PrometheusScraping
{
    /// <summary>The path of the scraping endpoint.</summary>
    public const string Path = "/metrics";

    /// <summary>Adds the meter provider with the Prometheus exporter.</summary>
    public static IServiceCollection AddInternS1Prometheus(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(WorkerMetrics.MeterName, EngineMetrics.MeterName).AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps <c>GET /metrics</c>.</summary>
    public static IEndpointRouteBuilder MapInternS1Prometheus(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint(Path);
        return endpoints;
    }
}
