using System.Net;
using System.Text;
using System.Text.Json;
using InternS1.Batch.Http.Tests.Infrastructure;
using InternS1.Batch.Tests.Infrastructure;

namespace InternS1.Batch.Http.Tests.Service;

/// <summary>An engine with one sequence slot: a second interactive request waits, a third finds Serve:MaxWaiting (1)
/// reached and gets 503 with Retry-After; clients that go away mid-stream abort their requests in the engine, which
/// frees their KV blocks (the engine gauges go back to idle) and leaves their rows cancelled, without a result.</summary>
[Trait("Category", "Service")]
public sealed class BusyServerTests
{
    private const string Long = """{"model":"m","messages":[{"role":"user","content":"Tell me a long story."}],"max_tokens":3000,"stream":true}""";

    private static async Task<(HttpResponseMessage Response, StreamReader Reader)> StreamAsync(HttpClient http, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Long, Encoding.UTF8, "application/json") };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        return (response, new StreamReader(await response.Content.ReadAsStreamAsync(ct)));
    }

    /// <summary>Reads events until one carries generated text (the request is running in the engine).</summary>
    private static async Task UntilTextAsync(StreamReader reader, CancellationToken ct)
    {
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal)) continue;
            var delta = JsonDocument.Parse(line[6..]).RootElement.GetProperty("choices")[0].GetProperty("delta");
            if (delta.TryGetProperty("reasoning_content", out _) || delta.TryGetProperty("content", out var c) && c.GetString()!.Length > 0) return;
        }
        throw new InvalidOperationException("the stream ended before any text");
    }

    [Fact]
    public async Task Past_max_waiting_a_request_gets_503_and_clients_that_go_away_free_their_kv_blocks()
    {
        await using var host = await ServeHost.StartAsync("t_busy", new Dictionary<string, string?>
        {
            ["Engine:MaxNumSeqs"] = "1",
            ["Engine:MaxModelLength"] = "4096",
            ["Serve:MaxWaiting"] = "1",
        });
        using var http = host.Http();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var clientA = new CancellationTokenSource();
        using var clientB = new CancellationTokenSource();

        var (a, readerA) = await StreamAsync(http, clientA.Token);
        await UntilTextAsync(readerA, timeout.Token);
        var (b, _) = await StreamAsync(http, clientB.Token);

        using var refused = await http.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":2}""", Encoding.UTF8, "application/json"), timeout.Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter!.Delta);
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(timeout.Token)).RootElement.GetProperty("error");
        Assert.Equal("server_busy", error.GetProperty("code").GetString());
        Assert.Contains("Serve:MaxWaiting = 1", error.GetProperty("message").GetString());

        // Both clients go away mid-stream.
        clientA.Cancel();
        a.Dispose();
        clientB.Cancel();
        b.Dispose();
        await MetricsScrape.UntilAsync(host.BaseUrl + "/metrics",
            m => m.GetValueOrDefault("interns1_engine_kv_blocks_used", -1) == 0 && m.GetValueOrDefault("interns1_engine_running", -1) == 0
                 && m.GetValueOrDefault("interns1_engine_waiting", -1) == 0,
            TimeSpan.FromMinutes(1));
        await TestServices.WaitUntilAsync(
            async () => await Database.CountAsync(host.ConnectionString, "SELECT count(*) FROM jobs WHERE status = 'cancelled'") == 2,
            TimeSpan.FromMinutes(1),
            async () => string.Join(", ", (await Database.RowsAsync(host.ConnectionString, "SELECT id, status FROM jobs")).Select(r => $"{r[0]}={r[1]}")));
        Assert.Equal(0, await Database.CountAsync(host.ConnectionString, "SELECT count(*) FROM results"));
        Assert.Equal(2, await Database.CountAsync(host.ConnectionString, "SELECT count(*) FROM jobs"));
    }
}
