using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Health;
using InternS1.Batch.Remote.Options;
using InternS1.Batch.Remote.Telemetry;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Remote.Hosting;

/// <summary>
/// The remote engine's life in the host, registered ahead of every other hosted service (so it starts before the
/// bus takes messages and stops after it has drained): starts the <see cref="RemoteEndpointMonitor"/>, waits (at
/// most <see cref="FirstProbeTimeout"/>) for its first round so the bus starts knowing whether any endpoint is up,
/// and is the <see cref="IntakeGate"/>'s <c>remote</c> source: it closes the gate while every endpoint is down (or
/// none has been detected yet) and opens it when one comes back.
/// </summary>
internal sealed class RemoteEngineHost(
    RemoteEndpointMonitor monitor,
    EndpointPool pool,
    IntakeGate gate,
    RemoteMetrics metrics,
    IOptions<RemoteOptions> options,
    IOptions<WorkerOptions> worker,
    ILogger<RemoteEngineHost> logger) : IHostedService
{
    /// <summary>The intake gate source name (readiness: <c>paused: remote: ...</c>).</summary>
    public const string GateSource = "remote";

    /// <summary>Longest wait for the first probe round at start.</summary>
    public static readonly TimeSpan FirstProbeTimeout = TimeSpan.FromSeconds(30);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _ = metrics; // NOTE: resolved here so the per-endpoint gauges are on /metrics before the first job.
        var o = options.Value;
        RemoteLog.Composed(logger, o.Endpoints.Count, o.Flavor.ToString().ToLowerInvariant(), o.MaxConcurrency, worker.Value.PrefetchCount);
        pool.AllEndpointsDownChanged += OnAllDownChanged;
        await monitor.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await monitor.FirstRound.WaitAsync(FirstProbeTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The endpoints are slow to answer: the intake is paused until one is detected.
        }
        // NOTE: decided before the bus starts (this host is started first), so a worker whose servers are all down
        // never takes a job; later changes arrive through AllEndpointsDownChanged.
        Apply(pool.AllDown);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        pool.AllEndpointsDownChanged -= OnAllDownChanged;
        await monitor.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private void OnAllDownChanged(object? sender, bool allDown) => Apply(allDown);

    private void Apply(bool allDown)
    {
        if (allDown)
            gate.Close(GateSource, Reason());
        else
            gate.Open(GateSource);
    }

    /// <summary>Why no endpoint takes requests: each endpoint with its state and last error.</summary>
    private string Reason()
    {
        var endpoints = pool.Status();
        var detail = string.Join("; ", endpoints.Select(s => s.State == EndpointState.Unknown
            ? $"{s.Label} not detected yet"
            : $"{s.Label} {s.State.ToString().ToLowerInvariant()}{(s.LastError is { } e ? ": " + e : "")}"));
        return $"every remote endpoint is down ({detail})";
    }
}
