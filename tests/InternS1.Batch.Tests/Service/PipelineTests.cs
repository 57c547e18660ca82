using System.Text.Json.Nodes;
using InternS1.Batch.Storage.Export;
using InternS1.Batch.Storage.Ledger;
using InternS1.Batch.Storage.Reporting;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Scratch;
using InternS1.Batch.Worker.Submission;
using InternS1.Batch.Worker.Validation;
using Npgsql;

namespace InternS1.Batch.Tests.Service;

[Trait("Category", "Service")]
public class PipelineTests
{
    private static JobSubmitter Submitter(NpgsqlDataSource dataSource) => new(new JobLedger(dataSource), new SubmissionLedger(dataSource), TestServices.RabbitMq,
        new SubmitPromptJobValidator(Microsoft.Extensions.Options.Options.Create(new JobValidationOptions()), TimeProvider.System));

    [Fact]
    public async Task Submitted_jobs_end_as_one_result_and_one_token_usage_row_each_and_progress_adds_up()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_e2e", default);
        var queue = env.Queue("e2e");
        var media = Directory.CreateTempSubdirectory("interns1-media-").FullName;
        await File.WriteAllBytesAsync(Path.Combine(media, "cat.png"), [1, 2, 3]);
        await File.WriteAllBytesAsync(Path.Combine(media, "clip.mp4"), [4, 5, 6]);
        await using var dataSource = NpgsqlDataSource.Create(env.ConnectionString);

        // 30 native lines (text, image, video) + 2 OpenAI Batch lines; expected prompt tokens by the test
        // executor's documented rule: words + 256 per image + 64 per video.
        var lines = new List<string>();
        var expectedPrompt = new Dictionary<string, int>();
        for (var i = 0; i < 30; i++)
        {
            var words = string.Join(' ', Enumerable.Repeat("word", i % 7 + 1));
            JsonObject line = (i % 3) switch
            {
                0 => new JsonObject { ["custom_id"] = $"c{i}", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = words }) },
                1 => new JsonObject { ["custom_id"] = $"c{i}", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = new JsonArray(
                        new JsonObject { ["type"] = "image", ["path"] = "cat.png" }, new JsonObject { ["type"] = "text", ["text"] = words }) }) },
                _ => new JsonObject { ["custom_id"] = $"c{i}", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = new JsonArray(
                        new JsonObject { ["type"] = "video", ["path"] = "clip.mp4" }, new JsonObject { ["type"] = "text", ["text"] = words }) }) },
            };
            lines.Add(line.ToJsonString());
            expectedPrompt[$"c{i}"] = (i % 7 + 1) + (i % 3 == 1 ? 256 : 0) + (i % 3 == 2 ? 64 : 0);
        }
        lines.Add("""{"custom_id":"oa1","method":"POST","url":"/v1/chat/completions","body":{"model":"x","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"two words"}],"max_tokens":8}}""");
        lines.Add("""{"custom_id":"oa2","method":"POST","url":"/v1/chat/completions","body":{"model":"x","messages":[{"role":"user","content":"one"}]}}""");
        expectedPrompt["oa1"] = 4;
        expectedPrompt["oa2"] = 1;

        var submitted = await Submitter(dataSource).SubmitAsync(new StringReader(string.Join("\n", lines)), "e2e", queue, strict: true, null, default);
        Assert.False(submitted.Refused, string.Join("; ", submitted.Problems));
        Assert.Equal(32, submitted.Published);
        var before = (await new ProgressReader(Database.Contexts(env.ConnectionString)).ReadAsync("e2e", default)).Single();
        Assert.Equal((32L, 32L, 0L), (before.Total, before.Pending, before.Succeeded));

        var executor = new DeterministicTestExecutor { MediaRoot = media };
        await using (await InProcessWorker.StartAsync(env.ConnectionString, queue, executor))
        {
            await TestServices.WaitUntilAsync(
                async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM jobs WHERE status = 'succeeded'") == 32,
                TimeSpan.FromSeconds(60), async () => $"{await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results")} results");
        }

        Assert.Equal(32, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results"));
        Assert.Equal(32, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM token_usage"));
        Assert.Equal(0, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters"));
        var usage = await Database.RowsAsync(env.ConnectionString, "SELECT j.custom_id, u.prompt_tokens, u.image_tokens, u.video_tokens FROM jobs j JOIN token_usage u ON u.job_id = j.id");
        foreach (var row in usage)
        {
            var customId = (string)row[0]!;
            Assert.Equal(expectedPrompt[customId], (int)row[1]!);
            Assert.Equal(customId.StartsWith('c') && int.Parse(customId[1..]) % 3 == 1 ? 256 : 0, (int)row[2]!);
            Assert.Equal(customId.StartsWith('c') && int.Parse(customId[1..]) % 3 == 2 ? 64 : 0, (int)row[3]!);
        }
        var after = (await new ProgressReader(Database.Contexts(env.ConnectionString)).ReadAsync("e2e", default)).Single();
        Assert.Equal((32L, 32L, 0L, 0L, 0L), (after.Total, after.Succeeded, after.Failed, after.DeadLettered, after.Pending));

        var exported = new List<JsonNode>();
        await foreach (var row in new ExportReader(Database.Contexts(env.ConnectionString)).ReadAsync("e2e", default))
            exported.Add(JsonNode.Parse(BatchOutputBuilder.ToJsonLine(BatchOutputBuilder.Build(row)))!);
        Assert.Equal(32, exported.Count);
        var oa1 = exported.Single(e => e["custom_id"]!.GetValue<string>() == "oa1");
        Assert.Equal("echo: two words", oa1["response"]!["body"]!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        // prompt 4 words; completion "echo: two words" = 3 words + 1 reasoning token (thinking is on by default)
        Assert.Equal(4 + 3 + 1, oa1["response"]!["body"]!["usage"]!["total_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_job_published_twice_and_again_after_commit_is_computed_once_and_has_one_result()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_idem", default);
        var queue = env.Queue("idem");
        var executor = new DeterministicTestExecutor { Delay = TimeSpan.FromMilliseconds(300) };
        await using var worker = await InProcessWorker.StartAsync(env.ConnectionString, queue, executor);
        var job = Jobs.Text("idem-1", "idem", "c1", "hello there").ToJsonString();
        await Broker.PublishRawAsync(queue, job);
        await Broker.PublishRawAsync(queue, job);
        await TestServices.WaitUntilAsync(async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results") == 1,
            TimeSpan.FromSeconds(30), () => Task.FromResult("no result"));
        await TestServices.WaitUntilAsync(async () => await Broker.MessageCountAsync(queue) == 0 && worker.Writer.RecordsCommitted >= 1,
            TimeSpan.FromSeconds(30), () => Task.FromResult("queue not drained"));
        await Task.Delay(500);

        // Redelivery after commit: the same message arrives again.
        await Broker.PublishRawAsync(queue, job);
        await TestServices.WaitUntilAsync(async () => await Broker.MessageCountAsync(queue) == 0, TimeSpan.FromSeconds(30), () => Task.FromResult("queue not drained"));
        await Task.Delay(500);

        Assert.Equal(1, executor.Executions["idem-1"]);
        Assert.Equal(1, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results WHERE job_id = 'idem-1'"));
        Assert.Equal(1, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM token_usage WHERE job_id = 'idem-1'"));
        // Deliveries 2 and 3 found the job ended and did not start it again.
        Assert.Equal(1, await Database.CountAsync(env.ConnectionString, "SELECT attempts FROM jobs WHERE id = 'idem-1'"));
    }

    [Fact]
    public async Task Submit_refuses_a_file_with_a_bad_line_or_a_repeated_custom_id_before_publishing_anything()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_refuse", default);
        var queue = env.Queue("refuse");
        await using var dataSource = NpgsqlDataSource.Create(env.ConnectionString);
        var good = Jobs.Text("r1", "x", "a", "fine").ToJsonString();
        var file = string.Join("\n", good, "{broken", Jobs.Text("r2", "x", "a", "again").ToJsonString());
        var result = await Submitter(dataSource).SubmitAsync(new StringReader(file), "refuse", queue, strict: false, null, default);
        Assert.True(result.Refused);
        Assert.Equal([2, 3], result.Problems.Select(p => p.LineNumber));
        Assert.Equal("custom_id 'a' repeats line 1", result.Problems[1].Message);

        var strict = await Submitter(dataSource).SubmitAsync(
            new StringReader(good + "\n" + """{"custom_id":"b","messages":[{"role":"user","content":"x"}],"sampling":{"top_p":0}}"""), "refuse", queue, strict: true, null, default);
        Assert.Equal([2], strict.Problems.Select(p => p.LineNumber));
        Assert.StartsWith("invalid_sampling: sampling.top_p", strict.Problems[0].Message);

        Assert.Equal(-1, await Broker.MessageCountAsync(queue));
        Assert.Equal(0, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM jobs"));
    }

    [Fact]
    public async Task Submit_registers_only_the_jobs_whose_ids_pass_the_identity_check_and_publishes_every_job()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_ident", default);
        var queue = env.Queue("ident");
        await using var dataSource = NpgsqlDataSource.Create(env.ConnectionString);
        var tooLong = new string('j', 201); // jobs.id holds 200 characters
        var file = string.Join("\n", Jobs.Text("fine-1", "x", "a", "x").ToJsonString(), Jobs.Text(tooLong, "x", "b", "x").ToJsonString(),
            Jobs.Text("ctl\u0001id", "x", "c", "x").ToJsonString());
        var result = await Submitter(dataSource).SubmitAsync(new StringReader(file), "ident", queue, strict: false, null, default);
        Assert.False(result.Refused, string.Join("; ", result.Problems));
        Assert.Equal((3, 1), (result.Published, result.NewlyRegistered));
        Assert.Equal(["fine-1"], (await Database.RowsAsync(env.ConnectionString, "SELECT id FROM jobs")).Select(r => (string)r[0]!));
        Assert.Equal(3, await Broker.MessageCountAsync(queue));
    }

    [Fact]
    public async Task Nul_characters_that_postgresql_cannot_store_neither_block_nor_lose_a_job()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_nul", default);
        var queue = env.Queue("nul");
        await using var worker = await InProcessWorker.StartAsync(env.ConnectionString, queue, new DeterministicTestExecutor());
        await Broker.PublishRawAsync(queue, """{"job_id":"nul-1","dataset":"nul","custom_id":"a","messages":[{"role":"user","content":"x\u0000y"}],"enable_thinking":false}""");
        await Broker.PublishRawAsync(queue, """{"job_id":"nul\u00002","dataset":"nul","custom_id":"b","messages":[{"role":"user","content":"x"}]}""");
        await TestServices.WaitUntilAsync(async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results") == 1
                && await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters") == 1,
            TimeSpan.FromSeconds(30), () => Task.FromResult("not both ended"));
        Assert.Equal("echo: x\uFFFDy", (string)(await Database.RowsAsync(env.ConnectionString, "SELECT content FROM results"))[0][0]!);
        var dead = (await Database.RowsAsync(env.ConnectionString, "SELECT job_id, reason_code, message FROM dead_letters"))[0];
        Assert.StartsWith("message:", (string)dead[0]!);
        Assert.Equal(("invalid_field", "job_id: must not contain control characters"), ((string)dead[1]!, (string)dead[2]!));
    }
}
