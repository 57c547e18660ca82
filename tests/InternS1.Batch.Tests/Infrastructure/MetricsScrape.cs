using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>Reads a Prometheus text exposition (the worker's <c>/metrics</c>) for tests.</summary>
public static class MetricsScrape
{
    /// <summary>A TCP port free on loopback right now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
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
        await TestServices.WaitUntilAsync(async () =>
        {
            try
            {
                last = Parse(await http.GetStringAsync(url));
                return ready(last);
            }
            catch (HttpRequestException e)
            {
                error = e.Message;
                return false;
            }
        }, timeout, () => Task.FromResult($"{url}: {error} {string.Join(", ", last.Where(kv => kv.Key.StartsWith("interns1")).Select(kv => $"{kv.Key}={kv.Value}"))}"));
        return last;
    }
}
