using InternS1.Batch.FakeOpenAi;
using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Tests.Infrastructure;

namespace InternS1.Batch.Remote.Tests.Http;

public class ApiKeyTests
{
    private const string Key = "sk-interns1-test-9f8e7d6c5b4a";

    [Fact]
    public async Task The_api_key_is_sent_as_a_bearer_token_to_every_endpoint_and_never_appears_in_logs()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Sglang, ApiKey = Key });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl, new Dictionary<string, string?> { ["Remote:ApiKey"] = Key });
        server.Enqueue(new FakeBehavior.Status(503, "busy"), new FakeBehavior.DropAfter(2));

        await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);
        await remote.Monitor.ProbeOnceAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        server.Enqueue(new FakeBehavior.StallAfter(1));
        var cancelled = remote.Client.CompleteAsync(Chat.Text(), cancel.Token);
        await Chat.Eventually(() => server.ChatRequests.Count == 4, TimeSpan.FromSeconds(10), "the stalled request arrives");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        var paths = server.Requests.Select(r => r.Path).ToHashSet();
        Assert.Superset(new HashSet<string> { "/v1/models", "/v1/chat/completions", "/health", "/metrics", "/abort_request" }, paths);
        Assert.All(server.Requests, r => Assert.Equal($"Bearer {Key}", r.Authorization));
        Assert.Contains(remote.Logs.Entries, e => e.EventId.Id == 7106);
        Assert.Contains(remote.Logs.Entries, e => e.EventId.Id == 7105);
        // Structured values included: a sink that writes log state must not see the key either.
        Assert.DoesNotContain(Key, remote.Logs.AllText);
        Assert.DoesNotContain(Key, remote.Options.ToString());
    }

    [Fact]
    public async Task A_refused_api_key_keeps_the_endpoint_down_naming_the_setting_and_no_chat_request_is_sent()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { ApiKey = Key });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl, new Dictionary<string, string?> { ["Remote:ApiKey"] = "wrong" });

        var status = remote.Endpoint(server.Port);
        Assert.Equal(EndpointState.Down, status.State);
        Assert.Equal("GET /v1/models: HTTP 401, the API key was refused (check Remote:ApiKey)", status.LastError);
        Assert.Empty(server.ChatRequests);
    }

    [Fact]
    public async Task A_key_refused_on_a_chat_request_takes_the_endpoint_down_at_once()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { ApiKey = Key });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl, new Dictionary<string, string?> { ["Remote:ApiKey"] = Key });
        server.Options.ApiKey = "rotated";
        using var cancel = new CancellationTokenSource();

        var request = remote.Client.CompleteAsync(Chat.Text(), cancel.Token);
        await Chat.Eventually(() => remote.Endpoint(server.Port).State == EndpointState.Down, TimeSpan.FromSeconds(10), "the endpoint goes down");

        Assert.Equal("HTTP 401, the API key was refused (check Remote:ApiKey)", remote.Endpoint(server.Port).LastError);
        Assert.Single(server.ChatRequests);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
    }
}
