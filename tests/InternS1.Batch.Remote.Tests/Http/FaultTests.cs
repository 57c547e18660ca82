using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.FakeOpenAi;
using InternS1.Batch.Remote.Faults;
using InternS1.Batch.Remote.Tests.Infrastructure;

namespace InternS1.Batch.Remote.Tests.Http;

/// <summary>Every scripted failure of the fake, classified: retried (a fresh request; the limiter and
/// metrics record it) or rejected at once with the server's message.</summary>
public class FaultTests
{
    private static readonly Dictionary<string, string?> Isolated = new() { ["Remote:FailuresBeforeDown"] = "100" };

    private static async Task<(FakeOpenAiServer Server, RemoteHarness Remote)> Start(FakeServerOptions? options = null, Dictionary<string, string?>? settings = null)
    {
        var server = await FakeOpenAiServer.StartAsync(options);
        var merged = new Dictionary<string, string?>(Isolated);
        foreach (var (k, v) in settings ?? [])
            merged[k] = v;
        return (server, await RemoteHarness.StartAsync(server.BaseUrl, merged));
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task An_overload_status_is_retried_and_takes_one_from_the_limit(int status)
    {
        var (server, remote) = await Start();
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.Status(status, "busy"));

        var completion = await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);

        Assert.Equal(2, completion.Attempts);
        Assert.Equal(2, server.ChatRequests.Count);
        Assert.Equal(8 - 1, remote.Endpoint(server.Port).Limit);
        Assert.Equal(1, remote.Metrics.Count("interns1.remote.errors", $"127.0.0.1:{server.Port}", status.ToString()));
        Assert.Equal(1, remote.Metrics.Count("interns1.remote.retries", $"127.0.0.1:{server.Port}"));
    }

    [Fact]
    public async Task Retry_after_keeps_the_endpoint_idle_until_it_has_passed()
    {
        var (server, remote) = await Start();
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.Status(503, "busy", RetryAfterSeconds: 1));

        var completion = await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);

        var requests = server.ChatRequests;
        Assert.Equal(2, completion.Attempts);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(950),
            $"the retry came {(requests[1].ReceivedAt - requests[0].ReceivedAt).TotalMilliseconds} ms after a Retry-After of 1 s");
    }

    [Fact]
    public async Task A_request_in_flight_that_completes_ends_the_retry_after_pause_of_its_endpoint()
    {
        var (server, remote) = await Start(new FakeServerOptions { Slots = 4 });
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.SlowFirstToken(TimeSpan.FromSeconds(1)), new FakeBehavior.Status(503, "busy", RetryAfterSeconds: 6));

        var slow = remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);
        await Chat.Eventually(() => server.ChatRequests.Count == 1, TimeSpan.FromSeconds(10), "the slow request reaches the server");
        var refused = remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);
        await Chat.Eventually(() => server.ChatRequests.Count == 2, TimeSpan.FromSeconds(10), "the second request is refused");
        var later = remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);
        await Task.WhenAll(slow, refused, later);

        // The slow request completed about 1 s in; the 6 s Retry-After ended with it (before: nothing until 6 s).
        var requests = server.ChatRequests;
        var firstAfterRefusal = requests.Skip(2).Min(r => r.ReceivedAt) - requests[1].ReceivedAt;
        Assert.True(firstAfterRefusal < TimeSpan.FromSeconds(4.5),
            $"the next request came {firstAfterRefusal.TotalMilliseconds} ms after a Retry-After of 6 s, though a request completed after about 1 s");
        Assert.Equal(2, (await refused).Attempts);
        Assert.Equal(4, requests.Count);
    }

    [Fact]
    public async Task A_server_error_is_retried_without_changing_the_limit()
    {
        var (server, remote) = await Start();
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.Status(500, "CUDA error"), new FakeBehavior.Status(502, "bad gateway"));

        var completion = await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);

        Assert.Equal(3, completion.Attempts);
        Assert.Equal(8, remote.Endpoint(server.Port).Limit);
    }

    [Fact]
    public async Task A_prompt_over_the_context_length_is_rejected_with_the_server_message_and_not_retried()
    {
        var (server, remote) = await Start(new FakeServerOptions { Flavor = FakeFlavor.Vllm, MaxPromptTokens = 5 });
        await using var _ = server;
        await using var __ = remote;

        var e = await Assert.ThrowsAsync<RemoteRejectedException>(() => remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None));

        Assert.Equal(400, e.StatusCode);
        Assert.Equal("This model's maximum context length is 5 tokens. However, you requested 7 tokens in the messages.", e.ServerMessage);
        Assert.Contains("vllm", e.Message);
        Assert.Single(server.ChatRequests);
        Assert.Equal(0, remote.Endpoint(server.Port).InFlight);
    }

    [Theory]
    [InlineData(FakeFlavor.Lmdeploy, 404)]
    [InlineData(FakeFlavor.Sglang, 422)]
    [InlineData(FakeFlavor.Ollama, 400)]
    public async Task A_client_error_status_is_rejected_once_whatever_the_error_body_shape(FakeFlavor flavor, int status)
    {
        var (server, remote) = await Start(new FakeServerOptions { Flavor = flavor });
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.Status(status, "field 'messages' is invalid"));

        var e = await Assert.ThrowsAsync<RemoteRejectedException>(() => remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None));

        Assert.Equal((status, "field 'messages' is invalid"), (e.StatusCode, e.ServerMessage));
        Assert.Single(server.ChatRequests);
    }

    [Fact]
    public async Task A_slow_first_token_within_the_request_timeout_is_waited_for()
    {
        var (server, remote) = await Start(settings: new() { ["Remote:RequestTimeout"] = "00:00:05" });
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.SlowFirstToken(TimeSpan.FromMilliseconds(300)));

        var completion = await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);

        Assert.Equal(1, completion.Attempts);
        Assert.True(completion.TimeToFirstEvent >= TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task A_first_event_later_than_the_request_timeout_is_a_timeout_that_is_retried_and_takes_one_from_the_limit()
    {
        var (server, remote) = await Start(settings: new() { ["Remote:RequestTimeout"] = "00:00:00.300" });
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.SlowFirstToken(TimeSpan.FromSeconds(30)));

        var completion = await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);

        Assert.Equal(2, completion.Attempts);
        Assert.Equal(8 - 1, remote.Endpoint(server.Port).Limit);
        Assert.Equal(1, remote.Metrics.Count("interns1.remote.errors", $"127.0.0.1:{server.Port}", "timeout"));
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out_on_every_attempt_and_the_last_fault_surfaces()
    {
        var (server, remote) = await Start(settings: new() { ["Remote:RequestTimeout"] = "00:00:00.200", ["Remote:MaxRetryAttempts"] = "1" });
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.NeverAnswer(), new FakeBehavior.NeverAnswer());

        var e = await Assert.ThrowsAsync<RemoteTransientException>(() => remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None));

        Assert.Equal(RemoteFaultKind.FirstByteTimeout, e.Kind);
        Assert.Equal(2, e.Attempts);
        await Chat.Eventually(() => server.ChatRequests.All(r => r.ClientDisconnected), TimeSpan.FromSeconds(10), "the fake sees both connections closed");
    }

    [Fact]
    public async Task A_stream_that_stalls_longer_than_the_idle_timeout_is_retried()
    {
        var (server, remote) = await Start(settings: new() { ["Remote:StreamIdleTimeout"] = "00:00:00.300" });
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.StallAfter(3));

        var completion = await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);

        Assert.Equal(2, completion.Attempts);
        Assert.Equal("\n\nc0 c1 c2 c3 c4 c5 c6 c7", completion.Content);
        Assert.Equal(1, remote.Metrics.Count("interns1.remote.errors", $"127.0.0.1:{server.Port}", "idle_timeout"));
    }

    [Fact]
    public async Task A_connection_dropped_mid_stream_is_retried_and_the_partial_output_is_dropped()
    {
        var (server, remote) = await Start();
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.DropAfter(6));

        var completion = await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);

        Assert.Equal(2, completion.Attempts);
        Assert.Equal(1, server.DroppedStreams);
        Assert.Equal("r0 r1 r2 r3", completion.Reasoning);
        Assert.Equal("\n\nc0 c1 c2 c3 c4 c5 c6 c7", completion.Content);
        Assert.Equal(1, remote.Metrics.Count("interns1.remote.errors", $"127.0.0.1:{server.Port}", "stream_dropped"));
    }

    [Fact]
    public async Task An_error_event_inside_a_200_stream_is_retried()
    {
        var (server, remote) = await Start();
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.ErrorEventAfter(2, "EngineCore encountered an issue"));

        var completion = await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);

        Assert.Equal(2, completion.Attempts);
        Assert.Equal(1, remote.Metrics.Count("interns1.remote.errors", $"127.0.0.1:{server.Port}", "stream_error"));
        Assert.Contains(remote.Logs.Entries, e => e.EventId.Id == 7106 && e.Text.Contains("EngineCore encountered an issue"));
    }

    [Theory]
    [InlineData("abort", RemoteFaultKind.Aborted)]
    [InlineData("error", RemoteFaultKind.GenerationError)]
    public async Task A_finish_reason_abort_or_error_is_transient(string reason, RemoteFaultKind kind)
    {
        var (server, remote) = await Start(settings: new() { ["Remote:MaxRetryAttempts"] = "1" });
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.FinishWith(reason, 2), new FakeBehavior.FinishWith(reason, 2));

        var e = await Assert.ThrowsAsync<RemoteTransientException>(() => remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None));

        Assert.Equal((kind, 2), (e.Kind, e.Attempts));
        Assert.Equal(2, remote.Metrics.Count("interns1.remote.errors", $"127.0.0.1:{server.Port}", reason));
    }

    [Fact]
    public async Task Finish_reason_length_is_a_completion_not_a_fault()
    {
        var (server, remote) = await Start();
        await using var _ = server;
        await using var __ = remote;

        var completion = await remote.Client.CompleteAsync(Chat.Text(thinking: false, sampling: new SamplingSettings { MaxNewTokens = 3 }), CancellationToken.None);

        Assert.Equal(("length", "c0 c1 c2", 3), (completion.FinishReason, completion.Content, completion.Usage.CompletionTokens));
        Assert.Equal(1, completion.Attempts);
    }

    [Fact]
    public async Task When_retries_run_out_the_last_fault_surfaces_with_the_attempt_count()
    {
        var (server, remote) = await Start(settings: new() { ["Remote:MaxRetryAttempts"] = "2" });
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.Status(500, "a"), new FakeBehavior.Status(500, "b"), new FakeBehavior.Status(500, "c"));

        var e = await Assert.ThrowsAsync<RemoteTransientException>(() => remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None));

        Assert.Equal((RemoteFaultKind.ServerError, 500, 3), (e.Kind, e.StatusCode, e.Attempts));
        Assert.EndsWith("HTTP 500: c", e.Message);
        Assert.Equal(3, server.ChatRequests.Count);
    }

    [Fact]
    public async Task No_retry_is_made_when_max_retry_attempts_is_zero()
    {
        var (server, remote) = await Start(settings: new() { ["Remote:MaxRetryAttempts"] = "0" });
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.Status(503, "busy"));

        var e = await Assert.ThrowsAsync<RemoteTransientException>(() => remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None));
        Assert.Equal((RemoteFaultKind.Overloaded, 1), (e.Kind, e.Attempts));
        Assert.Single(server.ChatRequests);
    }

    [Fact]
    public async Task Retry_delays_are_zero_when_the_base_delay_is_zero()
    {
        var (server, remote) = await Start(settings: new() { ["Remote:RetryBaseDelay"] = "00:00:00", ["Remote:RetryMaxDelay"] = "00:00:00" });
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.Status(500), new FakeBehavior.Status(500), new FakeBehavior.Status(500));

        await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero], RetryDelays(remote));
    }

    [Fact]
    public async Task Retry_delays_grow_from_the_base_delay_but_never_past_the_maximum()
    {
        var (server, remote) = await Start(settings: new() { ["Remote:RetryBaseDelay"] = "00:00:00.100", ["Remote:RetryMaxDelay"] = "00:00:00.150" });
        await using var _ = server;
        await using var __ = remote;
        server.Enqueue(new FakeBehavior.Status(500), new FakeBehavior.Status(500), new FakeBehavior.Status(500), new FakeBehavior.Status(500));

        await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);

        var delays = RetryDelays(remote);
        Assert.Equal(4, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromMilliseconds(150)));
        Assert.True(delays.Sum(d => d.TotalMilliseconds) > 0);
    }

    private static List<TimeSpan> RetryDelays(RemoteHarness remote) =>
        remote.Logs.Entries.Where(e => e.EventId.Id == 7106).Select(e => (TimeSpan)e.Values.Single(v => v.Key == "Delay").Value!).ToList();
}
