using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>Reads a Prometheus text exposition (the worker's <c>/metrics</c>) for tests.</summary>
public static class MetricsScrape
{
    // Ports handed out below Linux's ephemeral range (32768-60999 by default): a port the OS picked with bind(0) and
    // released can be taken by any outgoing connection (Npgsql, RabbitMQ, HTTP clients of the parallel tests) in the
    // seconds before a worker host binds it, which is how a metrics-port test once failed. Each test process walks
    // its own stretch of 20000-32767 (offset by its pid) and skips ports that do not bind right now.
    private const int FirstPort = 20000, PortCount = 12768;
    private static int _nextPort = Environment.ProcessId * 389 % PortCount;

    /// <summary>A TCP port free on every interface right now, below the ephemeral range and not handed out before by this process.</summary>
    public static int FreePort()
    {
        for (var tries = 0; tries < PortCount; tries++)
        {
            var port = FirstPort + (int)((uint)Interlocked.Increment(ref _nextPort) % PortCount);
            try
            {
                var listener = new TcpListener(IPAddress.Any, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException($"no free TCP port in {FirstPort}-{FirstPort + PortCount - 1}");
    }

    /// <summary>Sample name (labels dropped) -> value, summed over label sets; comment lines skipped.</summary>
    public static Dictionary<string, double> Parse(string body)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in body.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var nameEnd = line.IndexOfAny(['{', ' ']);
            var name = line[..nameEnd];
            var rest = line[nameEnd] == '{' ? line[(line.LastIndexOf('}') + 1)..] : line[nameEnd..];
            var value = double.Parse(rest.Trim().Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture);
            values[name] = values.GetValueOrDefault(name) + value;
        }
        return values;
    }

    /// <summary>Scrapes <paramref name="url"/> until <paramref name="ready"/> holds for what it serves.</summary>
    public static async Task<Dictionary<string, double>> UntilAsync(string url, Func<Dictionary<string, double>, bool> ready, TimeSpan timeout)
    {
        using var http = new HttpClient();
        Dictionary<string, double> last = [];
        var error = "";
        var body = "";
        await TestServices.WaitUntilAsync(async () =>
        {
            try
            {
                body = await http.GetStringAsync(url);
                last = Parse(body);
                return ready(last);
            }
            catch (HttpRequestException e)
            {
                error = e.Message;
                return false;
            }
        }, timeout, () => Task.FromResult($"{url}: {error} {string.Join(", ", last.Where(kv => kv.Key.StartsWith("interns1")).Select(kv => $"{kv.Key}={kv.Value}"))} (last body: {body.Length} characters, {string.Join(' ', body.Split('\n').Where(l => !l.StartsWith('#')).Take(5))})"));
        return last;
    }
}
