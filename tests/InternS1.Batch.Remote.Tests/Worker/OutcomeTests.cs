using System.Text.Json.Nodes;
using InternS1.Batch.FakeOpenAi;
using InternS1.Batch.Remote.Tests.Infrastructure;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Remote.Tests.Worker;

/// <summary>How the worker ends a job with each kind of answer a server gives, through the whole worker: tool calls
/// from the server and from raw action text, thinking that was not switched off, a refusal, no usage, a deadline, and
/// a fault that persists while the endpoint stays up.</summary>
[Trait("Category", "Service")]
public class OutcomeTests
{
    private sealed record Run(List<WorkerRows.ResultRow> Results, Dictionary<string, (string Reason, string Message)> DeadLetters, string Log);

    private static async Task<Run> RunAsync(FakeServerOptions options, Action<FakeOpenAiServer>? script, IDictionary<string, string?>? settings, params JsonObject[] jobs)
    {
        await using var server = await FakeOpenAiServer.StartAsync(options);
        script?.Invoke(server);
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_outcome", default);
        var queue = env.Queue("outcome");
        await using var worker = await RemoteWorker.StartAsync(env.ConnectionString, queue, [server.BaseUrl], settings);
        foreach (var job in jobs)
            await Broker.PublishRawAsync(queue, job.ToJsonString());
        await WorkerRows.WaitForEndedAsync(env.ConnectionString, jobs.Length, TimeSpan.FromSeconds(60), () => worker.Logs.AllText);
        return new Run(await WorkerRows.ResultsAsync(env.ConnectionString), await WorkerRows.DeadLettersAsync(env.ConnectionString), worker.Logs.AllText);
    }

    private static JsonObject WithTools(JsonObject job)
    {
        job["tools"] = JsonNode.Parse("""[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}]""");
        return job;
    }

    [Fact]
    public async Task Tool_calls_parsed_by_the_server_are_stored_as_it_sent_them()
    {
        var run = await RunAsync(new FakeServerOptions(), s => s.Enqueue(new FakeBehavior.ToolCall("lookup", """{"q":"benzene"}""")), null,
            WithTools(Jobs.Text("tool-server", "t", "1", "Look up benzene")));

        var row = Assert.Single(run.Results);
        Assert.Equal(("tool_calls", ""), (row.FinishReason, row.Content));
        var call = Assert.Single(JsonNode.Parse(row.ToolCalls)!.AsArray())!;
        Assert.Equal(("call-0", "function", "lookup"), ((string?)call["id"], (string?)call["type"], (string?)call["function"]!["name"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"q":"benzene"}"""), JsonNode.Parse((string)call["function"]!["arguments"]!)));
    }

    [Fact]
    public async Task Raw_action_text_from_a_server_without_a_tool_parser_becomes_tool_calls_through_our_parser()
    {
        var run = await RunAsync(new FakeServerOptions(), s => s.Enqueue(new FakeBehavior.RawToolCall("lookup", """{"q":"benzene"}""")), null,
            WithTools(Jobs.Text("tool-raw", "t", "1", "Look up benzene")));

        var row = Assert.Single(run.Results);
        Assert.Equal(("tool_calls", ""), (row.FinishReason, row.Content));
        var call = Assert.Single(JsonNode.Parse(row.ToolCalls)!.AsArray())!;
        Assert.Equal("lookup", (string?)call["function"]!["name"]);
        Assert.StartsWith("call_", (string?)call["id"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"q":"benzene"}"""), JsonNode.Parse((string)call["function"]!["arguments"]!)));
    }

    [Fact]
    public async Task Reasoning_returned_although_thinking_was_off_is_stored_and_flagged()
    {
        var run = await RunAsync(new FakeServerOptions { Flavor = FakeFlavor.Sglang, IgnoreThinkingSwitch = true }, null, null,
            Jobs.Text("ignored", "t", "1", "No thinking please"), WithThinking(Jobs.Text("obeyed", "t", "2", "Think about it"), true));

        var ignored = run.Results.Single(r => r.JobId == "ignored");
        Assert.Equal(("r0 r1 r2 r3", true, 4), (ignored.Reasoning, ignored.ThinkingIgnored, ignored.ReasoningTokens));
        var obeyed = run.Results.Single(r => r.JobId == "obeyed");
        Assert.Equal(("r0 r1 r2 r3", false), (obeyed.Reasoning, obeyed.ThinkingIgnored));
        Assert.Contains("Job ignored: thinking was requested off but the sglang server", run.Log);
    }

    [Fact]
    public async Task A_prompt_the_server_refuses_as_too_long_is_dead_lettered_as_engine_rejected_with_the_servers_message()
    {
        var run = await RunAsync(new FakeServerOptions { MaxPromptTokens = 3 }, null, null,
            Jobs.Text("too-long", "t", "1", "one two three four five"), Jobs.Text("short", "t", "2", "one two"));

        var (reason, message) = run.DeadLetters["too-long"];
        Assert.Equal("engine_rejected", reason);
        Assert.Contains("HTTP 400", message);
        Assert.Contains("This model's maximum context length is 3 tokens. However, you requested 5 tokens in the messages.", message);
        Assert.Equal("short", Assert.Single(run.Results).JobId);
    }

    [Fact]
    public async Task An_answer_without_usage_is_dead_lettered_as_engine_error_because_its_accounting_cannot_be_kept()
    {
        var run = await RunAsync(new FakeServerOptions { OmitUsage = true }, null, null, Jobs.Text("no-usage", "t", "1", "hello"));

        var (reason, message) = run.DeadLetters["no-usage"];
        Assert.Equal("engine_error", reason);
        Assert.Contains("reported no token usage", message);
        Assert.Empty(run.Results);
    }

    [Fact]
    public async Task A_deadline_that_passes_while_the_server_generates_ends_the_job_as_deadline_expired()
    {
        var job = Jobs.Text("late", "t", "1", "take your time");
        job["deadline"] = DateTimeOffset.UtcNow.AddSeconds(8).ToString("O");
        // 8 tokens at 2 s each: far past the deadline, which leaves the worker time to start the job on a busy machine.
        var run = await RunAsync(new FakeServerOptions { TokenDelay = TimeSpan.FromSeconds(2) }, null, null, job);

        var (reason, message) = run.DeadLetters["late"];
        Assert.Equal("deadline_expired", reason);
        Assert.True(message.Contains("passed while the remote server was generating", StringComparison.Ordinal), message + "\n" + run.Log);
    }

    [Fact]
    public async Task Overload_that_outlasts_every_retry_while_the_endpoint_stays_up_ends_as_retries_exhausted()
    {
        var run = await RunAsync(new FakeServerOptions(),
            s => s.Enqueue(Enumerable.Range(0, 100).Select(_ => (FakeBehavior)new FakeBehavior.Status(503, "busy", RetryAfterSeconds: 0)).ToArray()),
            new Dictionary<string, string?> { ["Remote:MaxRetryAttempts"] = "1" },
            Jobs.Text("busy", "t", "1", "hello"));

        Assert.Equal("retries_exhausted", run.DeadLetters["busy"].Reason);
    }

    private static JsonObject WithThinking(JsonObject job, bool thinking)
    {
        job["enable_thinking"] = thinking;
        return job;
    }
}
