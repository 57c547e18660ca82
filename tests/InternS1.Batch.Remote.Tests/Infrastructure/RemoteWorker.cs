using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Hosting;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Remote.Tests.Infrastructure;

/// <summary>
/// The whole worker in the test process, composed as the CLI composes <c>Engine:Mode=remote</c>
/// (<c>AddInternS1RemoteEngine</c> + <c>AddInternS1Worker</c>), on the real RabbitMQ and PostgreSQL, driving real
/// HTTP servers; every log line captured, the health endpoint on a free port. Short retry and probe intervals keep
/// tests quick; a test sets any key it checks.
/// </summary>
public sealed class RemoteWorker : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private RemoteWorker(IHost host, CapturedLogs logs, int healthPort, int metricsPort)
    {
        Host = host;
        Logs = logs;
        HealthPort = healthPort;
        MetricsPort = metricsPort;
    }

    public IHost Host { get; }

    public CapturedLogs Logs { get; }

    public int HealthPort { get; }

    public int MetricsPort { get; }

    public EndpointPool Pool => Host.Services.GetRequiredService<EndpointPool>();

    public IntakeGate Intake => Host.Services.GetRequiredService<IntakeGate>();

    public static async Task<RemoteWorker> StartAsync(string connectionString, string queue, IEnumerable<string> endpoints,
        IDictionary<string, string?>? settings = null)
    {
        var healthPort = MetricsScrape.FreePort();
        var metricsPort = MetricsScrape.FreePort();
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["ConnectionStrings:RabbitMq"] = TestServices.RabbitMqUri,
            ["Engine:Mode"] = "remote",
            ["Worker:QueueName"] = queue,
            ["Worker:ShutdownTimeout"] = "00:00:05",
            ["Worker:RetryIntervals:0"] = "00:00:00.100",
            ["Worker:RetryIntervals:1"] = "00:00:00.200",
            ["Worker:HealthPort"] = healthPort.ToString(),
            ["Worker:MetricsPort"] = metricsPort.ToString(),
            ["Worker:MetricsHost"] = "127.0.0.1",
            ["Remote:RetryBaseDelay"] = "00:00:00.020",
            ["Remote:RetryMaxDelay"] = "00:00:00.200",
            ["Remote:HealthProbeInterval"] = "00:00:00.200",
            ["Remote:MetricsScrapeInterval"] = "00:00:00.500",
            ["Remote:MaxConcurrency"] = "32",
        };
        var i = 0;
        foreach (var endpoint in endpoints)
            values[$"Remote:Endpoints:{i++}"] = endpoint;
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
            values[k] = v;
        var builder = InternS1Host.CreateApplicationBuilder([]);
        builder.Configuration.AddInMemoryCollection(values);
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning).AddFilter("MassTransit", LogLevel.Warning).AddFilter("System.Net.Http", LogLevel.Warning);
        builder.Services.AddInternS1RemoteEngine(builder.Configuration);
        builder.Services.AddInternS1Worker(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new RemoteWorker(host, logs, healthPort, metricsPort);
    }

    /// <summary><c>GET /readyz</c>: the status code and the JSON report.</summary>
    public async Task<(int Status, string Body)> ReadyAsync()
    {
        using var response = await _http.GetAsync($"http://127.0.0.1:{HealthPort}/readyz");
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary><c>GET /metrics</c> of the worker (Prometheus text).</summary>
    public Task<string> MetricsAsync() => _http.GetStringAsync($"http://127.0.0.1:{MetricsPort}/metrics");

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Host.StopAsync(TimeSpan.FromSeconds(30));
        Host.Dispose();
    }
}
