using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>
/// A TCP forwarder from a free loopback port to a target (e.g. the shared PostgreSQL server), for outages that touch
/// only the process connected through it: <see cref="Cut"/> closes every forwarded connection and refuses new ones
/// (accepted and closed at once) until <see cref="Restore"/>; <see cref="ConnectDelay"/> makes it a slow network
/// (each new connection reaches the target only after the delay). The target itself is never stopped.
/// </summary>
public sealed class TcpOutage : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly Task _accepting;
    private volatile bool _cut;
    private int _refused;

    private TcpOutage(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The loopback port to connect to instead of the target.</summary>
    public int Port { get; }

    /// <summary>Connections accepted while cut (and closed at once).</summary>
    public int Refused => Volatile.Read(ref _refused);

    public static TcpOutage Start(string targetHost, int targetPort) => new(targetHost, targetPort);

    /// <summary>How long each new connection waits before it is connected to the target. Default none.</summary>
    public TimeSpan ConnectDelay { get; set; }

    /// <summary>Closes every forwarded connection and refuses new ones.</summary>
    public void Cut()
    {
        _cut = true;
        foreach (var client in _open.Keys)
            Close(client);
    }

    /// <summary>Forwards new connections again.</summary>
    public void Restore() => _cut = false;

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            if (_cut)
            {
                Interlocked.Increment(ref _refused);
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }
            _ = Task.Run(() => ForwardAsync(client));
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using var target = new TcpClient();
        _open[client] = 0;
        _open[target] = 0;
        try
        {
            if (ConnectDelay > TimeSpan.Zero) await Task.Delay(ConnectDelay, _stop.Token);
            await target.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            var a = client.GetStream().CopyToAsync(target.GetStream(), _stop.Token);
            var b = target.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            await Task.WhenAny(a, b);
        }
        catch (Exception)
        {
            // A cut, a stop, or either side closing: the other side is closed below.
        }
        finally
        {
            Close(client);
            Close(target);
        }
    }

    private void Close(TcpClient client)
    {
        if (!_open.TryRemove(client, out _))
            return;
        try
        {
            client.Client.LingerState = new LingerOption(true, 0); // reset, as a dead server or network does
        }
        catch (Exception)
        {
            // Already closed.
        }
        client.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        foreach (var client in _open.Keys)
            Close(client);
        _stop.Dispose();
    }
}
