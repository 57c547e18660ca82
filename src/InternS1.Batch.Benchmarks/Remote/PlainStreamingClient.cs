using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace InternS1.Batch.Benchmarks.Remote;

/// <summary>
/// The baseline of <c>bench remote</c>: a plain client that keeps a fixed number of streaming chat requests in flight
/// against one server, with nothing else on its path (no broker, no database, no limiter). A 503 is retried after the
/// server's <c>Retry-After</c> (1 s when it sends none), as a careful fixed-concurrency batch client would.
/// </summary>
internal sealed class PlainStreamingClient(HttpClient http, string baseUrl, string model, int completionTokens)
{
    private int _completed;

    /// <summary>Jobs finished so far (all runs).</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Runs <paramref name="jobs"/> requests, <paramref name="concurrency"/> at a time.</summary>
    public async Task RunAsync(int jobs, int concurrency, CancellationToken ct)
    {
        var next = -1;
        async Task Lane()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < jobs)
            {
                await OneAsync(i, ct).ConfigureAwait(false);
                Interlocked.Increment(ref _completed);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Lane, ct))).ConfigureAwait(false);
    }

    private async Task OneAsync(int i, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"plain job {i}" }),
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
            ["max_completion_tokens"] = completionTokens,
            ["chat_template_kwargs"] = new JsonObject { ["enable_thinking"] = false },
        }.ToJsonString();
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl.TrimEnd('/') + "/chat/completions")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                await Task.Delay(wait, ct).ConfigureAwait(false);
                continue;
            }
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
            while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                if (line == "data: [DONE]")
                    return;
            }
            throw new IOException($"plain job {i}: the stream ended without [DONE]");
        }
    }
}
