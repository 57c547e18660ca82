using System.Diagnostics.Metrics;
using InternS1.Batch.Remote.Client;
using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Health;
using InternS1.Batch.Remote.Hosting;
using InternS1.Batch.Remote.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Remote.Tests.Infrastructure;

/// <summary>
/// The remote client layer composed exactly as the product composes it (<c>AddInternS1Remote</c> over
/// configuration keys), pointed at real HTTP endpoints, with every log line and metric captured. Retry delays
/// and probe intervals default to tens of milliseconds so tests run fast; a test sets any key it checks.
/// </summary>
public sealed class RemoteHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private bool _monitorStarted;

    private RemoteHarness(ServiceProvider services, CapturedLogs logs)
    {
        _services = services;
        Logs = logs;
        Metrics = new MetricReadings(services.GetRequiredService<IMeterFactory>());
        _ = services.GetRequiredService<Telemetry.RemoteMetrics>();
    }

    public CapturedLogs Logs { get; }

    public MetricReadings Metrics { get; }

    public RemoteChatClient Client => _services.GetRequiredService<RemoteChatClient>();

    public EndpointPool Pool => _services.GetRequiredService<EndpointPool>();

    public RemoteEndpointMonitor Monitor => _services.GetRequiredService<RemoteEndpointMonitor>();

    public RemoteOptions Options => _services.GetRequiredService<IOptions<RemoteOptions>>().Value;

    /// <summary>Composes the layer. <paramref name="probe"/>: run one probe round before returning (the
    /// endpoints are detected); <paramref name="runMonitor"/>: start the monitor's background loops instead.</summary>
    public static async Task<RemoteHarness> StartAsync(IEnumerable<string> endpoints, IDictionary<string, string?>? settings = null,
        bool probe = true, bool runMonitor = false)
    {
        var values = new Dictionary<string, string?>
        {
            ["Remote:RetryBaseDelay"] = "00:00:00.010",
            ["Remote:RetryMaxDelay"] = "00:00:00.050",
            ["Remote:HealthProbeInterval"] = "00:00:00.100",
            ["Remote:MetricsScrapeInterval"] = "00:00:00.100",
        };
        var i = 0;
        foreach (var endpoint in endpoints)
            values[$"Remote:Endpoints:{i++}"] = endpoint;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new CapturedLogs();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))
            .AddInternS1Remote()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var harness = new RemoteHarness(services, logs);
        if (runMonitor)
        {
            await harness.Monitor.StartAsync(CancellationToken.None);
            harness._monitorStarted = true;
        }
        else if (probe)
            await harness.Monitor.ProbeOnceAsync(CancellationToken.None);
        return harness;
    }

    public static Task<RemoteHarness> StartAsync(string endpoint, IDictionary<string, string?>? settings = null, bool probe = true, bool runMonitor = false) =>
        StartAsync([endpoint], settings, probe, runMonitor);

    /// <summary>The status of the endpoint whose label is <c>127.0.0.1:{port}</c>.</summary>
    public RemoteEndpointStatus Endpoint(int port) => Pool.Status().Single(s => s.Label == $"127.0.0.1:{port}");

    public async ValueTask DisposeAsync()
    {
        if (_monitorStarted)
            await Monitor.StopAsync(CancellationToken.None);
        Metrics.Dispose();
        await _services.DisposeAsync();
    }
}
