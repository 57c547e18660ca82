using InternS1.Batch.Worker.Messaging;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>
/// Knows whether the MassTransit bus is starting: from just before its hosted service starts (this one is registered
/// right before it) until the bus reports started or faulted (<see cref="IBusObserver"/>) or the host has started.
/// <see cref="WorkerLifetime"/> holds a stop signal back while it is, because cancelling a half-started bus can leave
/// MassTransit 8.5 waiting forever: its start, cancelled, stops the receive endpoint, which waits for a transport that
/// is still connecting (seen as a worker that never exited after SIGTERM; a dump showed
/// <c>ReceiveTransportAgent.StopAgent</c> waiting on <c>WaitForConnectionPipe</c>).
/// </summary>
public sealed partial class BusStartWatch(IHostApplicationLifetime lifetime, RabbitMqAddress broker, ILogger<BusStartWatch> logger) : IHostedService, IBusObserver
{
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state; // 0 = not yet, 1 = starting, 2 = settled

    /// <summary>True from just before the bus starts until it started, faulted or the host started.</summary>
    public bool IsStarting => Volatile.Read(ref _state) == 1;

    /// <summary>Completes when the start settled (started, faulted, or the host started); never faults.</summary>
    public Task Settled => _settled.Task;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // NOTE: the host's start token is cancelled by a stop that came before this point: MassTransit then does not
        // start at all, nothing to hold back.
        if (!cancellationToken.IsCancellationRequested && Interlocked.CompareExchange(ref _state, 1, 0) == 0)
        {
            LogStarting(broker.Host, broker.Port);
            lifetime.ApplicationStarted.Register(Settle);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Settle();
        return Task.CompletedTask;
    }

    private void Settle()
    {
        Volatile.Write(ref _state, 2);
        _settled.TrySetResult();
    }

    Task IBusObserver.PostStart(IBus bus, Task<BusReady> busReady)
    {
        Settle();
        return Task.CompletedTask;
    }

    Task IBusObserver.StartFaulted(IBus bus, Exception exception)
    {
        Settle();
        return Task.CompletedTask;
    }

    void IBusObserver.PostCreate(IBus bus) { }

    void IBusObserver.CreateFaulted(Exception exception) { }

    Task IBusObserver.PreStart(IBus bus) => Task.CompletedTask;

    Task IBusObserver.PreStop(IBus bus) => Task.CompletedTask;

    Task IBusObserver.PostStop(IBus bus) => Task.CompletedTask;

    Task IBusObserver.StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting the bus on RabbitMQ at {Host}:{Port}")]
    private partial void LogStarting(string host, int port);
}
