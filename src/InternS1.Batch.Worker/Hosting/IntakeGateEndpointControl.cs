using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>
/// Drives the job queue's receive endpoint by the <see cref="IntakeGate"/>: stops it when the gate closes and
/// starts it again when the gate opens (MassTransit's kill switch does the same with <c>Stop()</c> /
/// <c>Start()</c>). Connected to that one endpoint by the consumer definition. A stop lets the deliveries in
/// progress finish for <c>Worker:ShutdownTimeout</c>, then cancels them, and their messages go back to the
/// queue; deliveries not yet started go back at once. Changes are applied one at a time, always towards the
/// gate's state at that moment, so a gate that flaps ends with the endpoint in the state the gate is in.
/// </summary>
internal sealed partial class IntakeGateEndpointControl : IReceiveEndpointObserver
{
    private readonly IntakeGate _gate;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _applying = new(1, 1);
    private IReceiveEndpoint? _endpoint;
    private bool _running;

    public IntakeGateEndpointControl(IntakeGate gate, IHostApplicationLifetime? lifetime, ILogger<IntakeGateEndpointControl> logger)
    {
        _gate = gate;
        _lifetime = lifetime;
        _logger = logger;
        _gate.Changed += (_, _) => _ = Task.Run(ApplyAsync);
    }

    public Task Ready(ReceiveEndpointReady ready)
    {
        _endpoint = ready.ReceiveEndpoint;
        _running = true;
        // NOTE: not awaited here: stopping an endpoint from inside its own start notification would wait on itself.
        _ = Task.Run(ApplyAsync);
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;

    private async Task ApplyAsync()
    {
        await _applying.WaitAsync().ConfigureAwait(false);
        try
        {
            while (_endpoint is { } endpoint && !HostStopping)
            {
                var open = _gate.IsOpen;
                if (open == _running)
                    return;
                if (open)
                {
                    await endpoint.Start().Ready.ConfigureAwait(false);
                    _running = true;
                    LogStarted(endpoint.InputAddress);
                }
                else
                {
                    LogStopping(endpoint.InputAddress, _gate.Reasons);
                    await endpoint.Stop().ConfigureAwait(false);
                    _running = false;
                    LogStopped(endpoint.InputAddress);
                }
            }
        }
        catch (Exception e)
        {
            LogFailed(e, _endpoint?.InputAddress);
        }
        finally
        {
            _applying.Release();
        }
    }

    // NOTE: the host's shutdown stops the bus itself; starting the endpoint again then would race it.
    private bool HostStopping => _lifetime?.ApplicationStopping.IsCancellationRequested == true;

    [LoggerMessage(EventId = 7204, Level = LogLevel.Information, Message = "Stopping the receive endpoint {Address}: {Reasons}")]
    private partial void LogStopping(Uri address, string reasons);

    [LoggerMessage(EventId = 7205, Level = LogLevel.Information, Message = "Receive endpoint {Address} stopped; no message is taken until intake resumes")]
    private partial void LogStopped(Uri address);

    [LoggerMessage(EventId = 7206, Level = LogLevel.Information, Message = "Receive endpoint {Address} started again")]
    private partial void LogStarted(Uri address);

    [LoggerMessage(EventId = 7207, Level = LogLevel.Error, Message = "Could not apply the intake gate to the receive endpoint {Address}")]
    private partial void LogFailed(Exception exception, Uri? address);
}
