using System.Runtime.InteropServices;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>
/// The worker's host lifetime, in place of the console lifetime: SIGINT (Ctrl+C), SIGTERM and SIGQUIT stop the host,
/// with two differences.
/// <list type="bullet">
/// <item>A signal that arrives while the bus is starting (<see cref="BusStartWatch"/>) is held until the start
/// settles (at most MassTransit's start timeout), then stops the worker the normal way: a half-started bus that is
/// cancelled can hang MassTransit for good. A second signal stops at once.</item>
/// <item>A watchdog: when the process is still running <see cref="WatchdogMargin"/> after the host's shutdown
/// timeout (<c>Worker:ShutdownTimeout</c> + 20 s, plus the start timeout when the signal was held), it logs that the
/// shutdown hung and exits with code 1. Nothing is lost: jobs not yet acknowledged go back to the queue when the
/// broker connection closes, and their ledger rows are taken over on redelivery. Only signals arm it, so a host stopped
/// from code (tests, benchmarks) is never ended by it.</item>
/// </list>
/// </summary>
public sealed partial class WorkerLifetime : IHostLifetime, IDisposable
{
    /// <summary>Time beyond the host's shutdown timeout before the watchdog ends the process.</summary>
    public static readonly TimeSpan WatchdogMargin = TimeSpan.FromSeconds(30);

    // NOTE: static, so the armed watchdog outlives this object (the container disposes it early in a shutdown that
    // may hang later) and is not collected with it.
    private static ITimer? s_watchdog;

    private readonly IHostApplicationLifetime _lifetime;
    private readonly BusStartWatch _busStart;
    private readonly IHostEnvironment _environment;
    private readonly TimeSpan _shutdownTimeout;
    private readonly TimeSpan _startTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger<WorkerLifetime> _logger;
    private readonly Action<int> _exit;
    private readonly List<IDisposable> _registrations = [];
    private int _signals;

    /// <summary>The lifetime the host resolves.</summary>
    public WorkerLifetime(IHostApplicationLifetime lifetime, BusStartWatch busStart, IHostEnvironment environment,
        IOptions<HostOptions> host, IOptions<MassTransitHostOptions> bus, TimeProvider time, ILogger<WorkerLifetime> logger)
        : this(lifetime, busStart, environment, host.Value.ShutdownTimeout, bus.Value.StartTimeout ?? TimeSpan.FromSeconds(60), time, logger, Environment.Exit)
    {
    }

    /// <summary>For tests: <paramref name="exit"/> in place of <see cref="Environment.Exit"/>.</summary>
    internal WorkerLifetime(IHostApplicationLifetime lifetime, BusStartWatch busStart, IHostEnvironment environment,
        TimeSpan shutdownTimeout, TimeSpan startTimeout, TimeProvider time, ILogger<WorkerLifetime> logger, Action<int> exit)
    {
        _lifetime = lifetime;
        _busStart = busStart;
        _environment = environment;
        _shutdownTimeout = shutdownTimeout;
        _startTimeout = startTimeout;
        _time = time;
        _logger = logger;
        _exit = exit;
    }

    /// <inheritdoc />
    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(_lifetime.ApplicationStarted.Register(() =>
            LogStarted(_environment.EnvironmentName, _environment.ContentRootPath)));
        _registrations.Add(_lifetime.ApplicationStopping.Register(LogStopping));
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGQUIT, PosixSignal.SIGTERM })
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                // NOTE: the process ends when Main returns, after the host stopped (as with the console lifetime).
                context.Cancel = true;
                OnSignal(context.Signal);
            }));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>What a stop signal does (the signal handler's body).</summary>
    internal void OnSignal(PosixSignal signal)
    {
        var count = Interlocked.Increment(ref _signals);
        if (count == 1 && _busStart.IsStarting)
        {
            ArmWatchdog(signal, _startTimeout + _shutdownTimeout + WatchdogMargin);
            LogHeld(signal, _startTimeout.TotalSeconds);
            _ = StopWhenStartedAsync();
            return;
        }
        if (count == 1) ArmWatchdog(signal, _shutdownTimeout + WatchdogMargin);
        else LogAgain(signal);
        _lifetime.StopApplication();
    }

    private async Task StopWhenStartedAsync()
    {
        try
        {
            await _busStart.Settled.WaitAsync(_startTimeout + TimeSpan.FromSeconds(5), _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // the start outlived its own timeout: stop anyway
        }
        _lifetime.StopApplication();
    }

    private void ArmWatchdog(PosixSignal signal, TimeSpan limit)
    {
        var timer = _time.CreateTimer(_ =>
        {
            var message = $"interns1 worker: the shutdown did not finish within {limit.TotalSeconds:F0} s of {signal}; exiting with code 1 " +
                "(jobs not yet acknowledged go back to the queue)";
            LogHung(message);
            Console.Error.WriteLine(message);
            _exit(1);
        }, null, limit, Timeout.InfiniteTimeSpan);
        Interlocked.Exchange(ref s_watchdog, timer)?.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _registrations.Clear();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Application started. Press Ctrl+C to shut down. Hosting environment: {Environment}; content root: {ContentRoot}")]
    private partial void LogStarted(string environment, string contentRoot);

    [LoggerMessage(Level = LogLevel.Information, Message = "Application is shutting down...")]
    private partial void LogStopping();

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Signal} while the bus is starting: the worker stops as soon as the start has finished (at most {StartTimeout:F0} s; a bus cancelled half-started can hang); signal again to stop now")]
    private partial void LogHeld(PosixSignal signal, double startTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Signal} again: stopping now")]
    private partial void LogAgain(PosixSignal signal);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Message}")]
    private partial void LogHung(string message);
}
