using InternS1.Batch.Remote.Client;
using InternS1.Batch.Remote.Concurrency;
using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Flavors;
using InternS1.Batch.Remote.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Remote.Health;

/// <summary>
/// Keeps the endpoints' state true: detects every endpoint at start, probes the ones that are down (or not
/// yet detected) every <c>Remote:HealthProbeInterval</c> and brings them back up, and every
/// <c>Remote:MetricsScrapeInterval</c> checks the health endpoint of the ones that are up and reads their
/// Prometheus queue gauges into the limiters. Requests wait until the first endpoint is up.
/// </summary>
public sealed class RemoteEndpointMonitor : BackgroundService
{
    private readonly EndpointPool _pool;
    private readonly IHttpClientFactory _httpFactory;
    private readonly ILogger<RemoteEndpointMonitor> _logger;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _firstRound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RemoteEndpointMonitor(EndpointPool pool, IHttpClientFactory httpFactory, ILogger<RemoteEndpointMonitor> logger, TimeProvider? time = null)
    {
        _pool = pool;
        _httpFactory = httpFactory;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Completes when the first probe round has ended (every endpoint detected or found down).</summary>
    public Task FirstRound => _firstRound.Task;

    /// <summary>One round: every endpoint that is not up is detected (and brought up when it can serve); every
    /// endpoint that is up has its health checked (down when it fails) and its metrics read.</summary>
    public Task ProbeOnceAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_pool.Endpoints.Select(e => e.State == EndpointState.Up ? CheckAsync(e, cancellationToken) : ProbeAsync(e, cancellationToken)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            try
            {
                await ProbeOnceAsync(stoppingToken);
            }
            finally
            {
                _firstRound.TrySetResult();
            }
            await Task.WhenAll(
                Loop(_pool.Options.HealthProbeInterval, e => e.State != EndpointState.Up, ProbeAsync, stoppingToken),
                Loop(_pool.Options.MetricsScrapeInterval, e => e.State == EndpointState.Up, CheckAsync, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task Loop(TimeSpan interval, Func<RemoteEndpoint, bool> which, Func<RemoteEndpoint, CancellationToken, Task> action, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
            await Task.WhenAll(_pool.Endpoints.Where(which).Select(e => action(e, stoppingToken)));
    }

    /// <summary>Detects an endpoint; up when it can serve, down with the reason otherwise.</summary>
    internal async Task ProbeAsync(RemoteEndpoint endpoint, CancellationToken cancellationToken)
    {
        var detector = new FlavorDetector(Http(), _pool.Options, _logger);
        try
        {
            var found = await detector.DetectAsync(endpoint, cancellationToken);
            _pool.MarkUp(endpoint, found.Dialect, found.Model, found.Evidence);
        }
        catch (DetectionException e)
        {
            _pool.MarkDown(endpoint, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // NOTE: a probe must never end the monitor's loop (nothing would bring endpoints back up).
            _pool.MarkDown(endpoint, $"probe failed: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Checks an endpoint that is up: its health endpoint (down when it fails), then its metrics.</summary>
    internal async Task CheckAsync(RemoteEndpoint endpoint, CancellationToken cancellationToken)
    {
        var dialect = endpoint.Dialect;
        if (dialect is null)
            return;
        var http = Http();
        var health = dialect.HealthPath is { } path ? new Uri(endpoint.Root, path) : endpoint.Models;
        try
        {
            var (status, _) = await RemoteHttp.GetTextAsync(http, health, _pool.Options.ApiKey, cancellationToken);
            if (status is < 200 or > 299)
            {
                _pool.MarkDown(endpoint, $"GET {health.AbsolutePath}: HTTP {status}");
                return;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException)
        {
            _pool.MarkDown(endpoint, $"GET {health.AbsolutePath}: {e.Message}");
            return;
        }
        if (dialect.WaitingMetric is { } waitingName && dialect.RunningMetric is { } runningName)
        {
            try
            {
                var (status, text) = await RemoteHttp.GetTextAsync(http, new Uri(endpoint.Root, "metrics"), _pool.Options.ApiKey, cancellationToken);
                var waiting = status == 200 ? PrometheusText.Sum(text, waitingName) : null;
                var running = status == 200 ? PrometheusText.Sum(text, runningName) : null;
                if (waiting is { } w && running is { } r)
                    _pool.ObserveLoad(endpoint, new ServerLoad((int)Math.Round(w), (int)Math.Round(r)));
                else
                    RemoteLog.MetricsUnavailable(_logger, endpoint.Label, $"HTTP {status}, {waitingName} or {runningName} missing");
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException)
            {
                RemoteLog.MetricsUnavailable(_logger, endpoint.Label, e.Message);
            }
        }
    }

    private HttpClient Http() => _httpFactory.CreateClient(RemoteHttp.ClientName);
}
