using System.Net.Http.Json;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Faults;
using InternS1.Batch.Remote.Flavors;
using InternS1.Batch.Remote.Options;
using InternS1.Batch.Remote.Requests;
using InternS1.Batch.Remote.Responses;
using InternS1.Batch.Remote.Streaming;
using InternS1.Batch.Remote.Telemetry;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Remote.Client;

/// <summary>
/// One attempt of one request on one leased endpoint: build the flavor's body, POST it, classify a
/// refused status, read the SSE stream under the first-event and idle timeouts, and give the lease back
/// with what happened. Faults are thrown classified (<see cref="RemoteTransientException"/>,
/// <see cref="RemoteRejectedException"/>); cancellation closes the connection and asks the flavor's abort
/// endpoint, best effort, to stop the generation.
/// </summary>
internal sealed class ChatAttempt(HttpClient http, RemoteOptions options, RemoteMetrics? metrics, ILogger logger, TimeProvider time)
{
    private static readonly TimeSpan AbortTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(10);

    public async Task<RemoteCompletion> RunAsync(RemoteChatRequest request, EndpointLease lease, CancellationToken cancellationToken)
    {
        var endpoint = lease.Endpoint;
        var dialect = lease.Dialect;
        var serverId = dialect.RequestIds is FlavorDialect.RequestIdStyle.RequestId or FlavorDialect.RequestIdStyle.Rid
            ? $"{request.RequestId ?? "interns1"}-{Guid.NewGuid().ToString("N")[..16]}" : null;
        // NOTE: LMDeploy session ids are integers shared by every client of the server; a random one in the
        // int32 range is as safe from collisions as it needs to be for the abort call.
        long? sessionId = dialect.RequestIds == FlavorDialect.RequestIdStyle.SessionId ? Random.Shared.NextInt64(1, int.MaxValue) : null;

        JsonObject body;
        IReadOnlyList<string> notSent;
        try
        {
            (body, notSent) = ChatRequestBody.Build(request, dialect, lease.Model, serverId, sessionId);
        }
        catch
        {
            lease.Complete(AttemptOutcome.Neutral);
            throw;
        }

        using var message = RemoteHttp.Request(HttpMethod.Post, endpoint.ChatCompletions, options.ApiKey);
        message.Content = JsonContent.Create(body);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        var started = time.GetTimestamp();

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The server may already be queueing or generating it: abort it there too.
            lease.Complete(AttemptOutcome.Neutral);
            await AbortAsync(endpoint, dialect, serverId, sessionId);
            throw;
        }
        catch (OperationCanceledException e)
        {
            throw Fail(lease, AttemptOutcome.Timeout("no answer"), RemoteFaultKind.FirstByteTimeout, "timeout",
                $"no answer within Remote:RequestTimeout ({options.RequestTimeout})", inner: e);
        }
        catch (HttpRequestException e)
        {
            throw Fail(lease, AttemptOutcome.Failed(e.Message), RemoteFaultKind.Transport, "transport", e.Message, inner: e);
        }

        try
        {
            if (!response.IsSuccessStatusCode)
                throw await Refused(lease, response, timeout.Token);
            return await StreamAsync(request, lease, response, timeout, started, notSent, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Closing the connection is the cancellation every flavor understands; the abort endpoint stops
            // the generation at once where there is one.
            response.Dispose();
            lease.Complete(AttemptOutcome.Neutral);
            await AbortAsync(endpoint, dialect, serverId, sessionId);
            throw;
        }
        finally
        {
            response.Dispose();
        }
    }

    private async Task<RemoteCompletion> StreamAsync(RemoteChatRequest request, EndpointLease lease, HttpResponseMessage response,
        CancellationTokenSource timeout, long started, IReadOnlyList<string> notSent, CancellationToken cancellationToken)
    {
        var accumulator = new StreamAccumulator();
        var done = false;
        TimeSpan? firstEvent = null;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            await foreach (var item in SseParser.Create(stream).EnumerateAsync(timeout.Token))
            {
                if (firstEvent is null)
                {
                    firstEvent = time.GetElapsedTime(started);
                    // NOTE: counted from sending, not from the response headers: a server (or Kestrel, in the fake)
                    // may hold the headers back until the first event, which would hide the queue.
                    lease.FirstEvent(firstEvent.Value);
                }
                timeout.CancelAfter(options.StreamIdleTimeout);
                if (item.Data.Trim() == "[DONE]")
                {
                    done = true;
                    break;
                }
                ChatChunk? chunk;
                try
                {
                    chunk = JsonSerializer.Deserialize<ChatChunk>(item.Data);
                }
                catch (JsonException e)
                {
                    throw Fail(lease, AttemptOutcome.RequestFailed, RemoteFaultKind.StreamError, "stream_error", $"an unreadable event in the stream ({e.Message})");
                }
                if (chunk is not null && accumulator.Add(chunk) is { } error)
                    throw Fail(lease, AttemptOutcome.RequestFailed, RemoteFaultKind.StreamError, "stream_error", $"error event in the stream: {error}");
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw firstEvent is null
                ? Fail(lease, AttemptOutcome.Timeout("no first event"), RemoteFaultKind.FirstByteTimeout, "timeout",
                    $"no streamed event within Remote:RequestTimeout ({options.RequestTimeout})", inner: e)
                : Fail(lease, AttemptOutcome.Timeout("stream stalled"), RemoteFaultKind.IdleTimeout, "idle_timeout",
                    $"the stream stalled for Remote:StreamIdleTimeout ({options.StreamIdleTimeout}) after {accumulator.Events} events", inner: e);
        }
        catch (Exception e) when ((e is HttpRequestException or IOException) && cancellationToken.IsCancellationRequested)
        {
            // Our own cancellation tore the connection down mid-read: that is a cancellation, not a server fault.
            throw new OperationCanceledException("the request was cancelled", e, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw Fail(lease, AttemptOutcome.Failed("stream dropped"), RemoteFaultKind.StreamInterrupted, "stream_dropped",
                $"the connection dropped after {accumulator.Events} events: {e.Message}", inner: e);
        }
        if (!done)
            throw Fail(lease, AttemptOutcome.Failed("stream ended early"), RemoteFaultKind.StreamInterrupted, "stream_dropped",
                $"the stream ended after {accumulator.Events} events without [DONE]");

        var raw = accumulator.FinishReason ?? "";
        if (raw == "abort")
            throw Fail(lease, AttemptOutcome.RequestFailed, RemoteFaultKind.Aborted, "abort", "the server aborted the generation (finish_reason abort)");
        if (raw == "error")
            throw Fail(lease, AttemptOutcome.RequestFailed, RemoteFaultKind.GenerationError, "error", "the server failed the generation (finish_reason error)");

        var duration = time.GetElapsedTime(started);
        lease.Complete(AttemptOutcome.Success);
        metrics?.Succeeded(lease.Endpoint.Label, firstEvent ?? duration, duration);
        var (content, reasoning, source, toolCalls, usage, reported) = accumulator.Result();
        return new RemoteCompletion
        {
            Content = content,
            Reasoning = reasoning,
            ReasoningSource = source,
            ToolCalls = toolCalls,
            FinishReason = raw switch { "length" => "length", "tool_calls" or "function_call" => "tool_calls", _ => "stop" },
            RawFinishReason = raw,
            Usage = usage,
            ReportedFields = reported,
            FieldsNotSent = notSent,
            ThinkingRequested = request.EnableThinking,
            Endpoint = lease.Endpoint.Label,
            Flavor = lease.Dialect.Flavor,
            Model = lease.Model,
            TimeToFirstEvent = firstEvent ?? duration,
            Duration = duration,
        };
    }

    /// <summary>Classifies a refused status: 503/429 overload, 401/403 key refused, 408/409 and 5xx transient,
    /// any other 4xx a rejection of the request itself.</summary>
    private async Task<Exception> Refused(EndpointLease lease, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string text;
        try
        {
            text = await RemoteHttp.ReadBoundedAsync(response, 64 * 1024, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            text = "";
        }
        var serverMessage = ServerMessage.From(text, response.ReasonPhrase);
        var code = status.ToString();
        switch (status)
        {
            case 429 or 503:
                var retryAfter = RetryAfter(response);
                return Fail(lease, AttemptOutcome.Overloaded(retryAfter), RemoteFaultKind.Overloaded, code,
                    $"HTTP {status} (overloaded{(retryAfter is { } r ? $", Retry-After {r.TotalSeconds:0.###} s" : "")}): {serverMessage}",
                    status, retryAfter);
            case 401 or 403:
                return Fail(lease, AttemptOutcome.Unauthorized($"HTTP {status}, the API key was refused (check Remote:ApiKey)"),
                    RemoteFaultKind.Unauthorized, code, $"HTTP {status}, the API key was refused (check Remote:ApiKey): {serverMessage}", status);
            case 408 or 409 or >= 500:
                return Fail(lease, AttemptOutcome.Failed($"HTTP {status}"), RemoteFaultKind.ServerError, code, $"HTTP {status}: {serverMessage}", status);
            default:
                lease.Complete(AttemptOutcome.Rejected);
                metrics?.Error(lease.Endpoint.Label, code);
                return new RemoteRejectedException(lease.Endpoint.Label, lease.Dialect.Flavor, status, serverMessage);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        TimeSpan? value = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        if (value is not { } v || v <= TimeSpan.Zero)
            return null;
        // NOTE: honoured as sent, but never beyond 10 minutes (a misconfigured proxy must not park an endpoint for hours).
        return v < MaxRetryAfter ? v : MaxRetryAfter;
    }

    private RemoteTransientException Fail(EndpointLease lease, AttemptOutcome outcome, RemoteFaultKind kind, string status, string text,
        int? statusCode = null, TimeSpan? retryAfter = null, Exception? inner = null)
    {
        lease.Complete(outcome);
        metrics?.Error(lease.Endpoint.Label, status);
        return new RemoteTransientException(kind, lease.Endpoint.Label, text, statusCode, retryAfter, inner);
    }

    private async Task AbortAsync(RemoteEndpoint endpoint, FlavorDialect dialect, string? serverId, long? sessionId)
    {
        JsonObject? abort = dialect.RequestIds switch
        {
            FlavorDialect.RequestIdStyle.Rid when serverId is not null => new JsonObject { ["rid"] = serverId },
            FlavorDialect.RequestIdStyle.SessionId when sessionId is not null => new JsonObject { ["session_id"] = sessionId.Value },
            _ => null,
        };
        if (abort is null)
            return;
        var id = serverId ?? sessionId?.ToString() ?? "";
        try
        {
            using var timeout = new CancellationTokenSource(AbortTimeout);
            using var message = RemoteHttp.Request(HttpMethod.Post, new Uri(endpoint.Root, "abort_request"), options.ApiKey);
            message.Content = JsonContent.Create(abort);
            using var response = await http.SendAsync(message, timeout.Token);
            if (!response.IsSuccessStatusCode)
                RemoteLog.AbortFailed(logger, id, endpoint.Label, $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            RemoteLog.AbortFailed(logger, id, endpoint.Label, e.Message);
        }
    }
}
