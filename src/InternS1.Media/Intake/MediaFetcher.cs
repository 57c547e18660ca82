using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace InternS1.Media.Intake;

/// <summary>
/// Safe intake of one media part's bytes (<see cref="MediaOptions"/>):
/// <list type="bullet">
/// <item><c>path</c>: only inside <see cref="MediaOptions.MediaRoot"/>, symlinks resolved, re-checked on the opened handle;</item>
/// <item><c>url</c>: schemes from <see cref="MediaOptions.AllowedUrlSchemes"/> (http/https only; never <c>file:</c>);
/// the host is resolved and every address checked (<see cref="AddressPolicy"/>), then the connection goes to a
/// checked address (<see cref="SocketsHttpHandler.ConnectCallback"/>: no DNS rebinding); no proxy; redirects
/// followed by hand and checked again; the body is streamed and stops at the size limit; one timeout covers the
/// whole download;</item>
/// <item><c>base64</c> and <c>data:</c> URLs: size checked before decoding.</item>
/// </list>
/// Every failure is a <see cref="MediaException"/> naming the part. Thread-safe; one instance per worker.
/// </summary>
public sealed class MediaFetcher : IDisposable
{
    private readonly MediaOptions _options;
    private readonly HttpClient _http;

    public MediaFetcher(IOptions<MediaOptions> options) : this(options.Value) { }

    public MediaFetcher(MediaOptions options)
    {
        _options = options;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = options.DownloadTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectToCheckedAddressAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
    }

    /// <summary>
    /// Fetches the bytes of <paramref name="source"/>. Images come back in memory, videos as a file.
    /// <paramref name="part"/> names the part in errors (e.g. <c>messages[1].content[2]</c>).
    /// </summary>
    public async Task<FetchedMedia> FetchAsync(MediaSource source, string part, CancellationToken cancellationToken)
    {
        var described = $"{part} ({source.Describe()})";
        try
        {
            if (source.Base64 is not null) return Inline(source.Type, source.Base64);
            if (source.Path is not null) return await FromPathAsync(source.Type, source.Path, cancellationToken).ConfigureAwait(false);
            return await FromUrlAsync(source.Type, source.Url!, cancellationToken).ConfigureAwait(false);
        }
        catch (MediaException e)
        {
            throw e.WithPart(described);
        }
    }

    private long MaxBytes(MediaType type) => type == MediaType.Image ? _options.MaxImageBytes : _options.MaxVideoBytes;

    private FetchedMedia Inline(MediaType type, string base64)
    {
        var maxBytes = Math.Min(_options.MaxInlineBytes, MaxBytes(type));
        if ((long)base64.Length / 4 * 3 > maxBytes + 3)
            throw MediaException.TooLarge($"inline data of about {(long)base64.Length / 4 * 3} bytes is over the limit of {maxBytes} bytes");
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw MediaException.Unreadable("inline data is not valid base64", e);
        }
        if (bytes.Length > maxBytes) throw MediaException.TooLarge($"inline data of {bytes.Length} bytes is over the limit of {maxBytes} bytes");
        return type == MediaType.Image ? FetchedMedia.InMemory(bytes) : WriteTemporary(bytes);
    }

    private async Task<FetchedMedia> FromPathAsync(MediaType type, string path, CancellationToken cancellationToken)
    {
        var real = MediaRootResolver.Resolve(_options.MediaRoot, path);
        var rootReal = MediaRootResolver.RealPath(Path.GetFullPath(_options.MediaRoot!));
        var maxBytes = MaxBytes(type);
        // A FIFO, socket or device is refused without blocking in open() (RegularFile).
        var stream = RegularFile.OpenRead(real);
        await using (stream.ConfigureAwait(false))
        {
            var opened = MediaRootResolver.OpenedPath(stream);
            if (opened is not null && !MediaRootResolver.IsInside(opened, rootReal))
                throw MediaException.Forbidden("the opened file is outside the media root (changed while checking)");
            if (stream.Length > maxBytes)
                throw MediaException.TooLarge($"file of {stream.Length} bytes is over the limit of {maxBytes} bytes");
            if (type == MediaType.Video) return FetchedMedia.ExistingFile(real, stream.Length);
            return FetchedMedia.InMemory(await ReadLimitedAsync(stream, maxBytes, "file", cancellationToken).ConfigureAwait(false));
        }
    }

    private async Task<FetchedMedia> FromUrlAsync(MediaType type, string url, CancellationToken cancellationToken)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)) return Inline(type, DataUrlPayload(url));
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw MediaException.Unreadable("url is not an absolute URL");
        CheckScheme(uri);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.DownloadTimeout);
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    if (redirects >= _options.MaxRedirects)
                        throw MediaException.Unreadable($"more than {_options.MaxRedirects} redirects");
                    uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    CheckScheme(uri);
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                    throw MediaException.Unreadable($"HTTP {(int)response.StatusCode} {response.ReasonPhrase} from {uri.GetLeftPart(UriPartial.Path)}");
                return await ReadBodyAsync(type, response.Content, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw MediaException.Timeout($"download took longer than {_options.DownloadTimeout.TotalSeconds:0.###} s", e);
        }
        catch (HttpRequestException e)
        {
            if (Find<MediaException>(e) is { } inner) throw inner;
            throw MediaException.Unreadable($"download failed: {e.Message}", e);
        }
    }

    private async Task<FetchedMedia> ReadBodyAsync(MediaType type, HttpContent content, CancellationToken cancellationToken)
    {
        var maxBytes = MaxBytes(type);
        if (content.Headers.ContentLength is { } declared && declared > maxBytes && content.Headers.ContentEncoding.Count == 0)
            throw MediaException.TooLarge($"download of {declared} bytes (Content-Length) is over the limit of {maxBytes} bytes");
        var body = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            if (type == MediaType.Image) return FetchedMedia.InMemory(await ReadLimitedAsync(body, maxBytes, "download", cancellationToken).ConfigureAwait(false));
            var path = TemporaryPath();
            try
            {
                long total;
                var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
                await using (file.ConfigureAwait(false))
                    total = await CopyLimitedAsync(body, file, maxBytes, "download", cancellationToken).ConfigureAwait(false);
                return FetchedMedia.TemporaryFile(path, total);
            }
            catch
            {
                File.Delete(path);
                throw;
            }
        }
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream source, long maxBytes, string what, CancellationToken cancellationToken)
    {
        using var memory = new MemoryStream();
        await CopyLimitedAsync(source, memory, maxBytes, what, cancellationToken).ConfigureAwait(false);
        return memory.ToArray();
    }

    /// <summary>Copies at most <paramref name="maxBytes"/>; one byte more is <see cref="MediaErrorKind.TooLarge"/>.
    /// A read that fails (a body cut short, a connection reset, a file read error) is <see cref="MediaErrorKind.Unreadable"/>:
    /// the media is bad for this job, not a transient fault of the worker (writing the copy is not wrapped).</summary>
    private static async Task<long> CopyLimitedAsync(Stream source, Stream destination, long maxBytes, string what, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        while (true)
        {
            int read;
            try
            {
                read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw MediaException.Unreadable($"the {what} failed after {total} bytes: {e.Message}", e);
            }
            if (read == 0) break;
            total += read;
            if (total > maxBytes) throw MediaException.TooLarge($"data is larger than the limit of {maxBytes} bytes");
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
        return total;
    }

    private void CheckScheme(Uri uri)
    {
        var scheme = uri.Scheme.ToLowerInvariant();
        if (scheme is not ("http" or "https") || !_options.AllowedUrlSchemes.Any(s => string.Equals(s, scheme, StringComparison.OrdinalIgnoreCase)))
            throw MediaException.Forbidden($"URL scheme \"{scheme}\" is not allowed (allowed: {string.Join(", ", _options.AllowedUrlSchemes)})");
    }

    private async ValueTask<Stream> ConnectToCheckedAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal)) addresses = [literal];
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw MediaException.Unreadable($"host {host} cannot be resolved: {e.Message}", e);
            }
        }
        if (addresses.Length == 0) throw MediaException.Unreadable($"host {host} has no address");
        if (!_options.AllowPrivateAddresses && addresses.FirstOrDefault(a => !AddressPolicy.IsPublic(a)) is { } refused)
            throw MediaException.Forbidden($"host {host} resolves to {refused}, a loopback, private, link-local or reserved address");

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw MediaException.Unreadable($"cannot connect to {host}: {last?.Message}", last);
    }

    private static string DataUrlPayload(string url)
    {
        var comma = url.IndexOf(',');
        if (comma < 0) throw MediaException.Unreadable("data: URL has no comma");
        var header = url.AsSpan(5, comma - 5);
        if (!header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            throw MediaException.Unreadable("only base64 data: URLs are supported (data:<type>;base64,...)");
        return url[(comma + 1)..];
    }

    private static bool IsRedirect(HttpStatusCode code) =>
        code is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private FetchedMedia WriteTemporary(byte[] bytes)
    {
        var path = TemporaryPath();
        File.WriteAllBytes(path, bytes);
        return FetchedMedia.TemporaryFile(path, bytes.Length);
    }

    private string TemporaryPath() =>
        Path.Combine(_options.TempFolder ?? Path.GetTempPath(), $"interns1-media-{Guid.NewGuid():N}.bin");

    private static T? Find<T>(Exception e) where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is T t) return t;
        return null;
    }

    public void Dispose() => _http.Dispose();
}
