using System.Text.Json.Nodes;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Tests.Harness;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Worker.Consumers;

namespace InternS1.Batch.Tests.Structured;

/// <summary>
/// The consumer judges every structured answer after the executor returns, whichever executor it is: here the
/// deterministic one, which ignores the constraint as a remote server may (its answer is the user text verbatim, or
/// <c>echo: ...</c>). The verdict is stored with the result; a bad schema never reaches the executor.
/// </summary>
[Trait("Category", "Service")]
public class StructuredConsumerTests(ScratchDatabase db) : IClassFixture<ScratchDatabase>
{
    private const string Schema = """{"type":"object","properties":{"label":{"enum":["a","b"]}},"required":["label"]}""";

    private static SubmitPromptJob Job(string jobId, string text, string? format, bool verbatim = true)
    {
        var json = Jobs.Text(jobId, "h-structured", jobId, text);
        if (format is not null) json["response_format"] = JsonNode.Parse(format);
        if (verbatim) json["metadata"] = new JsonObject { ["test"] = "verbatim" };
        return JobPayload.Deserialize(json.ToJsonString());
    }

    private static string JsonSchema(string schema) => $$$"""{"type":"json_schema","json_schema":{"name":"label","schema":{{{schema}}}}}""";

    [Fact]
    public async Task Each_answer_is_stored_with_its_verdict_and_free_text_with_none()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        await worker.ConsumeAsync(Job("s-valid", """{"label": "a"}""", JsonSchema(Schema)));
        await worker.ConsumeAsync(Job("s-wrong", """{"label": "c"}""", JsonSchema(Schema)));
        await worker.ConsumeAsync(Job("s-echo", """{"label": "a"}""", JsonSchema(Schema), verbatim: false));
        await worker.ConsumeAsync(Job("s-object", """{"x": [1]}""", """{"type":"json_object"}"""));
        await worker.ConsumeAsync(Job("s-text", "plain", """{"type":"text"}"""));

        var rows = (await Database.RowsAsync(db.ConnectionString,
                "SELECT job_id, structured_valid, structured_error, finish_reason FROM results WHERE job_id LIKE 's-%'"))
            .ToDictionary(r => (string)r[0]!, r => (Valid: (bool?)r[1], Error: (string?)r[2], Finish: (string)r[3]!));
        Assert.Equal((true, null, "stop"), rows["s-valid"]);
        Assert.Equal((true, null), (rows["s-object"].Valid, rows["s-object"].Error));
        Assert.Equal((null, null), (rows["s-text"].Valid, rows["s-text"].Error));
        Assert.False(rows["s-wrong"].Valid);
        Assert.StartsWith("the answer does not match the schema: /label", rows["s-wrong"].Error);
        Assert.False(rows["s-echo"].Valid);
        Assert.StartsWith("the answer is not JSON", rows["s-echo"].Error);
    }

    [Fact]
    public async Task An_unsupported_keyword_is_dead_lettered_naming_it_and_never_executed()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        await worker.ConsumeAsync(Job("s-bad", "x", JsonSchema("""{"type":"object","properties":{"n":{"type":"integer","multipleOf":3}}}""")));

        var dead = await db.DeadLetterAsync("s-bad");
        Assert.NotNull(dead);
        Assert.Equal(("invalid_field", 1, "consumer"), (dead.Value.Reason, dead.Value.Attempts, dead.Value.Source));
        Assert.StartsWith("response_format.json_schema.schema/properties/n/multipleOf: 'multipleOf' is only supported as 1 or a power of ten", dead.Value.Message);
        Assert.False(worker.Executor.Executions.ContainsKey("s-bad"));
    }
}
