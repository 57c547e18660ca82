using System.Net;
using System.Text;
using System.Text.Json;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Options;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Worker.Health;

/// <summary>
/// A small HTTP endpoint on <c>Worker:HealthHost</c>:<c>Worker:HealthPort</c> (when the port is not 0; loopback by
/// default, every interface with <c>*</c> or <c>0.0.0.0</c>) for container probes:
/// <c>/healthz</c> answers 200 while the process runs (liveness); <c>/readyz</c> runs the health checks
/// (PostgreSQL, the MassTransit bus) and answers 200 or 503 with a JSON report (readiness).
/// </summary>
public sealed class HealthEndpoint(HealthCheckService health, IOptions<WorkerOptions> options, ILogger<HealthEndpoint> logger) : BackgroundService
{
    private HttpListener? _listener;

    /// <summary>
    /// Binds the listener before the host goes on (so a port another process holds stops the start with an error
    /// naming <c>Worker:HealthPort</c>, and the endpoint answers once this returns), then serves in the background.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var port = options.Value.HealthPort;
        if (port == 0)
            return Task.CompletedTask;
        var host = ListenHost.Prefix(options.Value.HealthHost);
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://{host}:{port}/");
        try
        {
            listener.Start();
        }
        catch (Exception ex) when (ex is HttpListenerException or System.Net.Sockets.SocketException)
        {
            listener.Close();
            throw new WorkerStartupException(
                ListenerStartFailure.Message(nameof(WorkerOptions.HealthPort), "the health endpoint", options.Value.HealthHost, port, ex.Message), ex);
        }
        _listener = listener;
        logger.LogInformation("Health endpoint on {Host}:{Port} (/healthz, /readyz)", host, port);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_listener is not { } listener)
            return;
        await using var stop = stoppingToken.Register(listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(ctx, stoppingToken), stoppingToken);
        }
    }

    public override void Dispose()
    {
        _listener?.Close();
        base.Dispose();
    }

    private async Task AnswerAsync(HttpListenerContext ctx, CancellationToken ct)
    {
        try
        {
            var (status, body) = ctx.Request.Url?.AbsolutePath switch
            {
                "/healthz" => (200, "{\"status\":\"Healthy\"}"),
                "/readyz" => await ReadyAsync(ct).ConfigureAwait(false),
                _ => (404, "{\"error\":\"not found\"}"),
            };
            var bytes = Encoding.UTF8.GetBytes(body);
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.OutputStream.WriteAsync(bytes, ct).ConfigureAwait(false);
            ctx.Response.Close();
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Health request failed");
        }
    }

    private async Task<(int, string)> ReadyAsync(CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(ct).ConfigureAwait(false);
        var body = JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
        return (report.Status == HealthStatus.Healthy ? 200 : 503, body);
    }
}
