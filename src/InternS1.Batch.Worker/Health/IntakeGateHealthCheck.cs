using InternS1.Batch.Worker.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InternS1.Batch.Worker.Health;

/// <summary>Readiness of the <see cref="IntakeGate"/>: healthy while the worker takes jobs; unhealthy while it is
/// paused, with the sources and reasons (<c>paused: remote: every remote endpoint is down ...</c>).</summary>
public sealed class IntakeGateHealthCheck(IntakeGate gate) : IHealthCheck
{
    /// <summary>The name of the check in the <c>/readyz</c> report.</summary>
    public const string Name = "intake";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var closedBy = gate.ClosedBy;
        if (closedBy.Count == 0)
            return Task.FromResult(HealthCheckResult.Healthy("taking jobs"));
        var data = closedBy.ToDictionary(kv => kv.Key, kv => (object)kv.Value);
        return Task.FromResult(HealthCheckResult.Unhealthy("paused: " + gate.Reasons, data: data));
    }
}
