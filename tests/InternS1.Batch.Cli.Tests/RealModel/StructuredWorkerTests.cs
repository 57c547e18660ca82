using System.Text.Json;
using System.Text.Json.Nodes;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;
using Json.Schema;

namespace InternS1.Batch.Cli.Tests.RealModel;

/// <summary>
/// Structured output end to end: jobs with a <c>response_format</c> on the real RabbitMQ and PostgreSQL, through the
/// real worker (template, compile at preparation, TorchSharp engine on the tiny random-weight model, validation),
/// then <c>interns1 export</c> and <c>export --structured-only</c> as a user runs them. The model's free text is noise,
/// so every valid answer is the constraint's doing; JsonSchema.Net judges them again here.
/// </summary>
[Trait("Category", "Service")]
public class StructuredWorkerTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private const string Dataset = "structured";
    private const string Label = """{"type":"object","properties":{"label":{"enum":["positive","negative","neutral"]},"score":{"type":"integer","minimum":0,"maximum":9}},"required":["label","score"],"additionalProperties":false}""";

    private static JsonObject Job(string id, string schema, bool thinking, int maxNewTokens, int? maxReasoning = null)
    {
        var job = Jobs.Text(id, Dataset, "c-" + id, "Label the sentiment of: the reaction yield was excellent.");
        job["enable_thinking"] = thinking;
        job["response_format"] = JsonNode.Parse($$$"""{"type":"json_schema","json_schema":{"name":"label","strict":true,"schema":{{{schema}}}}}""");
        var sampling = new JsonObject { ["temperature"] = 1.0, ["seed"] = id.Length * 7 + maxNewTokens, ["max_new_tokens"] = maxNewTokens };
        if (maxReasoning is { } r) sampling["max_reasoning_tokens"] = r;
        job["sampling"] = sampling;
        return job;
    }

    [Fact]
    public async Task Structured_jobs_validate_cut_ones_are_marked_and_bad_schemas_are_dead_letters_naming_the_keyword()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_real_structured", default);
        var queue = env.Queue("structured");
        using var host = await RealModelWorker.StartAsync(env.ConnectionString, queue, model.Directory, new Dictionary<string, string?>());
        var jobs = new[]
        {
            Job("think", Label, thinking: true, maxNewTokens: 80),
            Job("think-budget", Label, thinking: true, maxNewTokens: 80, maxReasoning: 3),
            Job("plain", Label, thinking: false, maxNewTokens: 60),
            Job("cut", Label, thinking: false, maxNewTokens: 4),
            Job("bad-keyword", """{"type":"object","properties":{"tags":{"type":"array","uniqueItems":true}}}""", thinking: false, maxNewTokens: 20),
            Job("bad-schema", """{"type":"object","properties":{"n":{"type":"integer","minimum":5,"maximum":1}}}""", thinking: false, maxNewTokens: 20),
        };
        try
        {
            foreach (var job in jobs)
                await Broker.PublishRawAsync(queue, job.ToJsonString());
            await TestServices.WaitUntilAsync(
                async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results") + await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters") == jobs.Length,
                TimeSpan.FromMinutes(3),
                async () => string.Join(", ", (await Database.RowsAsync(env.ConnectionString, "SELECT job_id, reason_code, message FROM dead_letters")).Select(r => $"{r[0]}={r[1]} {r[2]}")));

            var dead = (await Database.RowsAsync(env.ConnectionString, "SELECT job_id, reason_code, message FROM dead_letters"))
                .ToDictionary(r => (string)r[0]!, r => ((string)r[1]!, (string)r[2]!));
            Assert.Equal(["bad-keyword", "bad-schema"], dead.Keys.Order().ToArray());
            Assert.Equal(("invalid_field", "response_format.json_schema.schema/properties/tags/uniqueItems: keyword 'uniqueItems' is not supported"), dead["bad-keyword"]);
            // found when the schema is compiled at preparation, not at intake
            Assert.Equal("invalid_field", dead["bad-schema"].Item1);
            Assert.StartsWith("response_format.json_schema.schema/properties/n", dead["bad-schema"].Item2);

            var results = (await Database.RowsAsync(env.ConnectionString,
                    "SELECT r.job_id, r.content, r.finish_reason, r.structured_valid, r.structured_error, u.reasoning_tokens, u.completion_tokens FROM results r JOIN token_usage u USING (job_id)"))
                .ToDictionary(r => (string)r[0]!, r => (Content: (string)r[1]!, Finish: (string)r[2]!, Valid: (bool?)r[3], Error: (string?)r[4], Reasoning: (int)r[5]!, Completion: (int)r[6]!));
            var validator = JsonSchema.FromText(Label);
            foreach (var id in new[] { "think", "think-budget", "plain" })
            {
                var r = results[id];
                Assert.True((r.Finish, r.Valid) == ("stop", true), $"{id}: {r.Finish} {r.Valid} {r.Error}: {r.Content}");
                using var doc = JsonDocument.Parse(r.Content);
                Assert.True(validator.Evaluate(doc.RootElement).IsValid, r.Content);
            }
            Assert.InRange(results["think"].Reasoning, 1, 40);          // the default budget: half of max_new_tokens
            Assert.InRange(results["think-budget"].Reasoning, 1, 3);
            Assert.Equal(0, results["plain"].Reasoning);
            var cut = results["cut"];
            Assert.Equal(("length", false, 4), (cut.Finish, cut.Valid, cut.Completion));
            Assert.StartsWith("the answer is not JSON", cut.Error);

            var cli = new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = env.ConnectionString };
            var export = await CliRun.RunAsync(cli, "export", "--dataset", Dataset);
            Assert.True(export.Exit == 0, export.Err);
            var lines = export.Out.Trim().Split('\n').Select(l => JsonNode.Parse(l)!).ToDictionary(l => l["custom_id"]!.GetValue<string>());
            Assert.Equal(6, lines.Count);
            Assert.True(lines["c-plain"]["response"]!["body"]!["structured_valid"]!.GetValue<bool>());
            Assert.False(lines["c-cut"]["response"]!["body"]!["structured_valid"]!.GetValue<bool>());
            Assert.Equal(cut.Error, lines["c-cut"]["response"]!["body"]!["structured_error"]!.GetValue<string>());
            Assert.Equal("invalid_field", lines["c-bad-keyword"]["error"]!["code"]!.GetValue<string>());

            var structured = await CliRun.RunAsync(cli, "export", "--dataset", Dataset, "--structured-only");
            Assert.True(structured.Exit == 0, structured.Err);
            var values = structured.Out.Trim().Split('\n').Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();
            Assert.Equal(["c-plain", "c-think", "c-think-budget"], values.Select(v => v["custom_id"]!.GetValue<string>()).Order());
            foreach (var v in values)
            {
                Assert.Equal(["custom_id", "value"], v.Select(p => p.Key));
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(results[v["custom_id"]!.GetValue<string>()[2..]].Content), v["value"]));
            }
            Assert.Contains("3 finished job(s) without a valid structured answer left out", structured.Err);

            var status = await CliRun.RunAsync(cli, "status", "--dataset", Dataset, "--json");
            var progress = JsonNode.Parse(status.Out.Trim())!;
            Assert.Equal((3L, 1L), (progress["structured_valid"]!.GetValue<long>(), progress["structured_invalid"]!.GetValue<long>()));
        }
        finally
        {
            using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
                await host.StopAsync(stop.Token);
        }
    }
}
