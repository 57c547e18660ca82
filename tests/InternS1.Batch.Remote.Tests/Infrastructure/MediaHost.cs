using System.Net;
using InternS1.Batch.Tests.Infrastructure;

namespace InternS1.Batch.Remote.Tests.Infrastructure;

/// <summary>A user's media server on loopback: serves one file at <c>/fig.png</c> and counts the requests.</summary>
public sealed class MediaHost : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly byte[] _bytes;
    private readonly Task _loop;
    private int _hits;

    public MediaHost(byte[] bytes)
    {
        _bytes = bytes;
        Port = MetricsScrape.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>The URL of the file.</summary>
    public string Url => $"http://127.0.0.1:{Port}/fig.png";

    /// <summary>Requests received.</summary>
    public int Hits => Volatile.Read(ref _hits);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            Interlocked.Increment(ref _hits);
            context.Response.ContentType = "image/png";
            await context.Response.OutputStream.WriteAsync(_bytes);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _loop;
        _listener.Close();
    }
}
