using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace InternS1.Batch.Http.Serve.Streaming;

/// <summary>Server-sent events as OpenAI streams them: <c>text/event-stream</c>, one <c>data: {json}</c> event per
/// chunk, flushed at once, and <c>data: [DONE]</c> at the end.</summary>
public sealed class SseWriter(HttpResponse response, JsonSerializerOptions json)
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>Sets the status and headers of the stream.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        // NOTE: tells nginx-style proxies not to buffer the events.
        response.Headers["X-Accel-Buffering"] = "no";
        return response.StartAsync(cancellationToken);
    }

    /// <summary>Writes one event with <paramref name="payload"/> as JSON and flushes it.</summary>
    public async Task WriteAsync<T>(T payload, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes("data: " + JsonSerializer.Serialize(payload, json) + "\n\n");
        await response.Body.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes an error event in the OpenAI error shape (after the stream started, the status cannot change).</summary>
    public async Task WriteErrorAsync(string body, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes("data: " + body + "\n\n"), cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <c>data: [DONE]</c>.</summary>
    public async Task DoneAsync(CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Done, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
