using System.Runtime.InteropServices;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Messaging;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace InternS1.Batch.Tests.Unit;

/// <summary>
/// <see cref="WorkerLifetime"/>: a stop signal during the bus start is held until the start settles (a cancelled
/// half-started MassTransit bus can hang for good), a second one stops at once, and the watchdog ends a process whose
/// shutdown outlives the host's timeout by <see cref="WorkerLifetime.WatchdogMargin"/>. Time is a fake clock.
/// </summary>
public sealed class WorkerLifetimeTests
{
    private static readonly TimeSpan Shutdown = TimeSpan.FromSeconds(50), Start = TimeSpan.FromSeconds(60);

    private readonly Lifetime _lifetime = new();
    private readonly FakeTimeProvider _time = new();
    private readonly List<int> _exits = [];
    private readonly BusStartWatch _watch;
    private readonly WorkerLifetime _sut;

    public WorkerLifetimeTests()
    {
        _watch = new BusStartWatch(_lifetime, new RabbitMqAddress("127.0.0.1", 5672, "/", "guest", "guest", false), NullLogger<BusStartWatch>.Instance);
        _sut = new WorkerLifetime(_lifetime, _watch, new Environment(), Shutdown, Start, _time, NullLogger<WorkerLifetime>.Instance, _exits.Add);
    }

    [Fact]
    public void A_signal_before_the_bus_starts_stops_the_host_at_once()
    {
        _sut.OnSignal(PosixSignal.SIGTERM);
        Assert.True(_lifetime.Stopping);
    }

    [Fact]
    public async Task A_signal_while_the_bus_starts_stops_the_host_once_the_bus_has_started()
    {
        await _watch.StartAsync(CancellationToken.None);
        Assert.True(_watch.IsStarting);
        _sut.OnSignal(PosixSignal.SIGTERM);
        await Task.Delay(50);
        Assert.False(_lifetime.Stopping);

        await ((IBusObserver)_watch).PostStart(null!, Task.FromResult<BusReady>(null!));
        Assert.False(_watch.IsStarting);
        await _lifetime.StoppingTask.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_held_signal_also_stops_the_host_when_the_bus_start_faults()
    {
        await _watch.StartAsync(CancellationToken.None);
        _sut.OnSignal(PosixSignal.SIGINT);
        await ((IBusObserver)_watch).StartFaulted(null!, new InvalidOperationException("broker gone"));
        await _lifetime.StoppingTask.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_second_signal_while_the_first_is_held_stops_at_once()
    {
        await _watch.StartAsync(CancellationToken.None);
        _sut.OnSignal(PosixSignal.SIGTERM);
        Assert.False(_lifetime.Stopping);
        _sut.OnSignal(PosixSignal.SIGTERM);
        Assert.True(_lifetime.Stopping);
    }

    [Fact]
    public async Task A_bus_start_that_never_settles_holds_the_signal_no_longer_than_its_start_timeout_and_5_s()
    {
        await _watch.StartAsync(CancellationToken.None);
        _sut.OnSignal(PosixSignal.SIGTERM);
        _time.Advance(Start + TimeSpan.FromSeconds(4));
        await Task.Delay(50);
        Assert.False(_lifetime.Stopping);
        _time.Advance(TimeSpan.FromSeconds(2));
        await _lifetime.StoppingTask.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_start_cancelled_before_the_bus_is_reached_holds_nothing()
    {
        await _watch.StartAsync(new CancellationToken(canceled: true));
        Assert.False(_watch.IsStarting);
        _sut.OnSignal(PosixSignal.SIGTERM);
        Assert.True(_lifetime.Stopping);
    }

    [Fact]
    public void The_watchdog_exits_with_code_1_when_the_shutdown_outlives_the_host_timeout_by_30_s()
    {
        _sut.OnSignal(PosixSignal.SIGTERM);
        _time.Advance(Shutdown + TimeSpan.FromSeconds(29));
        Assert.Empty(_exits);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal([1], _exits);
    }

    [Fact]
    public async Task The_watchdog_of_a_held_signal_allows_the_start_timeout_too()
    {
        await _watch.StartAsync(CancellationToken.None);
        _sut.OnSignal(PosixSignal.SIGTERM);
        _time.Advance(Start + Shutdown + TimeSpan.FromSeconds(29));
        Assert.Empty(_exits);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal([1], _exits);
    }

    [Fact]
    public async Task Without_a_signal_the_watchdog_never_runs()
    {
        await _watch.StartAsync(CancellationToken.None);
        _lifetime.StopApplication();
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(_exits);
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _started = new(), _stopping = new(), _stopped = new();
        private readonly TaskCompletionSource _stoppingTask = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationToken ApplicationStarted => _started.Token;
        public CancellationToken ApplicationStopping => _stopping.Token;
        public CancellationToken ApplicationStopped => _stopped.Token;
        public bool Stopping => _stopping.IsCancellationRequested;
        public Task StoppingTask => _stoppingTask.Task;

        public void StopApplication()
        {
            _stopping.Cancel();
            _stoppingTask.TrySetResult();
        }
    }

    private sealed class Environment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "test";
        public string ContentRootPath { get; set; } = "/";
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
