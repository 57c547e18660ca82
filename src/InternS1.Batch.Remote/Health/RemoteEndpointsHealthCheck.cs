using InternS1.Batch.Remote.Endpoints;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InternS1.Batch.Remote.Health;

/// <summary>Readiness of the remote engine: healthy while at least one endpoint takes requests; the description
/// lists every endpoint (state, flavor, model, limit, requests in flight, last error).</summary>
public sealed class RemoteEndpointsHealthCheck(EndpointPool pool) : IHealthCheck
{
    /// <summary>The name of the check in the <c>/readyz</c> report.</summary>
    public const string Name = "remote-endpoints";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var endpoints = pool.Status();
        var up = endpoints.Count(e => e.State == EndpointState.Up);
        var description = $"{up} of {endpoints.Count} remote endpoints up: " + string.Join("; ", endpoints.Select(Describe));
        var data = endpoints.ToDictionary(e => e.Label, e => (object)e.State.ToString().ToLowerInvariant());
        return Task.FromResult(up > 0
            ? HealthCheckResult.Healthy(description, data)
            : HealthCheckResult.Unhealthy(description, data: data));
    }

    private static string Describe(RemoteEndpointStatus s)
    {
        var state = s.State.ToString().ToLowerInvariant();
        var flavor = s.Flavor is { } f ? f.ToString().ToLowerInvariant() : "flavor unknown";
        var error = s.LastError is { } e && s.State != EndpointState.Up ? $", {e}" : "";
        return $"{s.Label} {state} ({flavor}, model {s.Model ?? "?"}, limit {s.Limit}, in flight {s.InFlight}{error})";
    }
}
