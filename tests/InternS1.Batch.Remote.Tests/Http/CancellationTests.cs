using InternS1.Batch.FakeOpenAi;
using InternS1.Batch.Remote.Tests.Infrastructure;

namespace InternS1.Batch.Remote.Tests.Http;

public class CancellationTests
{
    [Theory]
    [InlineData(FakeFlavor.Vllm)]
    [InlineData(FakeFlavor.Ollama)]
    public async Task Cancelling_closes_the_connection_and_gives_the_slot_back_without_a_limiter_signal(FakeFlavor flavor)
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = flavor });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);
        server.Enqueue(new FakeBehavior.StallAfter(2));
        using var cancel = new CancellationTokenSource();

        var request = remote.Client.CompleteAsync(Chat.Text(), cancel.Token);
        await Chat.Eventually(() => server.ChatRequests.Count == 1, TimeSpan.FromSeconds(10), "the request arrives");
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        await Chat.Eventually(() => server.ChatRequests[0].ClientDisconnected, TimeSpan.FromSeconds(10), "the server sees the client go away");
        var status = remote.Endpoint(server.Port);
        Assert.Equal((0, 8), (status.InFlight, status.Limit));
        Assert.DoesNotContain(server.Requests, r => r.Path == "/abort_request");
    }

    [Fact]
    public async Task Cancelling_on_sglang_also_aborts_the_request_by_its_rid()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Sglang });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);
        server.Enqueue(new FakeBehavior.StallAfter(2));
        using var cancel = new CancellationTokenSource();

        var request = remote.Client.CompleteAsync(Chat.Text(), cancel.Token);
        await Chat.Eventually(() => server.ChatRequests is [{ TokensSent: 2 }], TimeSpan.FromSeconds(10), "two tokens were streamed");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        var rid = server.ChatRequests[0].Body!["rid"]!.GetValue<string>();
        Assert.StartsWith("job-1-", rid);
        var abort = Assert.Single(server.Requests, r => r.Path == "/abort_request");
        Assert.Equal(rid, abort.Body!["rid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancelling_on_lmdeploy_also_aborts_the_session()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Lmdeploy });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);
        server.Enqueue(new FakeBehavior.StallAfter(2));
        using var cancel = new CancellationTokenSource();

        var request = remote.Client.CompleteAsync(Chat.Text(), cancel.Token);
        await Chat.Eventually(() => server.ChatRequests is [{ TokensSent: 2 }], TimeSpan.FromSeconds(10), "two tokens were streamed");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        var session = server.ChatRequests[0].Body!["session_id"]!.GetValue<long>();
        Assert.InRange(session, 1, int.MaxValue);
        var abort = Assert.Single(server.Requests, r => r.Path == "/abort_request");
        Assert.Equal(session, abort.Body!["session_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Cancelling_before_the_answer_arrives_also_aborts_on_the_server()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Sglang });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);
        server.Enqueue(new FakeBehavior.NeverAnswer());
        using var cancel = new CancellationTokenSource();

        var request = remote.Client.CompleteAsync(Chat.Text(), cancel.Token);
        await Chat.Eventually(() => server.ChatRequests.Count == 1, TimeSpan.FromSeconds(10), "the request arrives");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        var abort = Assert.Single(server.Requests, r => r.Path == "/abort_request");
        Assert.Equal(server.ChatRequests[0].Body!["rid"]!.GetValue<string>(), abort.Body!["rid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancelling_while_waiting_for_an_endpoint_sends_nothing()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Down = true;
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => remote.Client.CompleteAsync(Chat.Text(), cancel.Token));
        Assert.Empty(server.ChatRequests);
    }
}
