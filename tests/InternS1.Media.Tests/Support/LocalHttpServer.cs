using System.Net;
using System.Net.Sockets;

namespace InternS1.Media.Tests.Support;

/// <summary>
/// A tiny HTTP server on 127.0.0.1 (HttpListener) for the fetcher tests. Routes: /img.png (a PNG), /big (2 MiB with
/// Content-Length), /big-chunked (2 MiB chunked), /slow (headers, then 5 s of silence), /cut (declares 1000 bytes, sends
/// 100, drops the connection), /redirect-file (302 to
/// file:///etc/passwd), /redirect-img (302 to /img.png), /files/{name} (<see cref="Files"/>), anything else 404.
/// </summary>
public sealed class LocalHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    public LocalHttpServer(byte[] png)
    {
        Png = png;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public int Port { get; }
    public byte[] Png { get; }
    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    /// <summary>Extra files served under /files/{name}.</summary>
    public Dictionary<string, byte[]> Files { get; } = new();

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            switch (context.Request.Url!.AbsolutePath)
            {
                case "/img.png":
                    response.ContentType = "image/png";
                    response.ContentLength64 = Png.Length;
                    await response.OutputStream.WriteAsync(Png);
                    break;
                case "/big":
                    response.ContentLength64 = 2 << 20;
                    await WriteZerosAsync(response.OutputStream, 2 << 20);
                    break;
                case "/big-chunked":
                    response.SendChunked = true;
                    await WriteZerosAsync(response.OutputStream, 2 << 20);
                    break;
                case "/slow":
                    response.SendChunked = true;
                    await response.OutputStream.WriteAsync(new byte[16]);
                    await response.OutputStream.FlushAsync();
                    await Task.Delay(TimeSpan.FromSeconds(5), _stop.Token);
                    break;
                case "/cut":
                    // Declares 1000 bytes, sends 100, then drops the connection: a body cut short.
                    response.ContentLength64 = 1000;
                    await response.OutputStream.WriteAsync(Png.AsMemory(0, Math.Min(100, Png.Length)));
                    await response.OutputStream.FlushAsync();
                    response.Abort();
                    return;
                case "/redirect-file":
                    response.StatusCode = 302;
                    response.RedirectLocation = "file:///etc/passwd";
                    break;
                case "/redirect-img":
                    response.StatusCode = 302;
                    response.RedirectLocation = "/img.png";
                    break;
                case var p when p.StartsWith("/files/") && Files.TryGetValue(p["/files/".Length..], out var file):
                    response.ContentLength64 = file.Length;
                    await response.OutputStream.WriteAsync(file);
                    break;
                default:
                    response.StatusCode = 404;
                    break;
            }
            response.Close();
        }
        catch (Exception)
        {
            try { response.Abort(); } catch (Exception) { }
        }
    }

    private static async Task WriteZerosAsync(Stream stream, int count)
    {
        var chunk = new byte[65536];
        for (var sent = 0; sent < count; sent += chunk.Length) await stream.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, count - sent)));
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }
}
