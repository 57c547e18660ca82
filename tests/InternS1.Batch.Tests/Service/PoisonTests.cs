using System.Text.Json.Nodes;
using InternS1.Batch.Storage.Reporting;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Tests.Service;

[Trait("Category", "Service")]
public class PoisonTests
{
    [Fact]
    public async Task Each_poison_class_ends_as_a_dead_letter_with_its_reason_while_good_jobs_succeed_and_requeue_closes_the_loop()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_poison", default);
        var queue = env.Queue("poison");
        var media = Directory.CreateTempSubdirectory("interns1-media-").FullName;
        const string ds = "poison";
        var executor = new DeterministicTestExecutor { MediaRoot = media, ContextWords = 300 };
        await using var worker = await InProcessWorker.StartAsync(env.ConnectionString, queue, executor);

        for (var i = 0; i < 10; i++)
            await Broker.PublishRawAsync(queue, Jobs.Text($"good-{i}", ds, $"g{i}", $"good job {i}").ToJsonString());
        await TestServices.WaitUntilAsync(async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results") == 10,
            TimeSpan.FromSeconds(30), () => Task.FromResult("good jobs not done"));

        JsonObject With(JsonObject job, string path, JsonNode value)
        {
            job[path] = value;
            return job;
        }
        var expected = new Dictionary<string, string>
        {
            ["p-sampling-topp0"] = "invalid_sampling",
            ["p-sampling-topp15"] = "invalid_sampling",
            ["p-sampling-max"] = "invalid_sampling",
            ["p-content-type"] = "unsupported_content",
            ["p-role"] = "invalid_field",
            ["p-dup"] = "duplicate_custom_id",
            ["p-media"] = "media_unreadable",
            ["p-long"] = "prompt_too_long",
            ["p-transient"] = "retries_exhausted",
            ["p-deadline"] = "deadline_expired",
        };
        await Broker.PublishRawAsync(queue, With(Jobs.Text("p-sampling-topp0", ds, "s0", "x"), "sampling", new JsonObject { ["top_p"] = 0 }).ToJsonString());
        await Broker.PublishRawAsync(queue, With(Jobs.Text("p-sampling-topp15", ds, "s1", "x"), "sampling", new JsonObject { ["top_p"] = 1.5 }).ToJsonString());
        await Broker.PublishRawAsync(queue, With(Jobs.Text("p-sampling-max", ds, "s2", "x"), "sampling", new JsonObject { ["max_new_tokens"] = -1 }).ToJsonString());
        await Broker.PublishRawAsync(queue, Jobs.WithParts("p-content-type", ds, "ct", new JsonObject { ["type"] = "audio", ["url"] = "http://x/a.wav" }).ToJsonString());
        var role = Jobs.Text("p-role", ds, "role", "x");
        role["messages"]![0]!["role"] = "robot";
        await Broker.PublishRawAsync(queue, role.ToJsonString());
        await Broker.PublishRawAsync(queue, Jobs.Text("p-dup", ds, "g3", "same custom id as good-3").ToJsonString());
        await Broker.PublishRawAsync(queue, Jobs.WithParts("p-media", ds, "media", new JsonObject { ["type"] = "image", ["path"] = "missing.png" }).ToJsonString());
        await Broker.PublishRawAsync(queue, Jobs.Text("p-long", ds, "long", string.Join(' ', Enumerable.Repeat("w", 301))).ToJsonString());
        await Broker.PublishRawAsync(queue, With(Jobs.Text("p-transient", ds, "tr", "x"), "metadata", new JsonObject { ["test"] = "transient" }).ToJsonString());
        await Broker.PublishRawAsync(queue, With(Jobs.Text("p-deadline", ds, "dl", "x"), "deadline", "2020-01-01T00:00:00Z").ToJsonString());
        await Broker.PublishRawAsync(queue, """{"job_id":"p-shape","dataset":"poison","custom_id":"shape"}""");
        await Broker.PublishRawAsync(queue, """{"job_id":"p-types","dataset":"poison","custom_id":"types","messages":[{"role":"user","content":"x"}],"sampling":{"top_p":"high"}}""");
        await Broker.PublishRawAsync(queue, "this is not json", contentType: "text/plain");
        await Broker.PublishRawAsync(queue, "{\"half\":", contentType: null);

        // + p-shape and p-types (unreadable as jobs) and the two bodies that are not JSON.
        await TestServices.WaitUntilAsync(async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters") == expected.Count + 4,
            TimeSpan.FromSeconds(60), async () => string.Join(", ", (await Database.RowsAsync(env.ConnectionString, "SELECT job_id, reason_code FROM dead_letters")).Select(r => $"{r[0]}={r[1]}")));

        var rows = (await Database.RowsAsync(env.ConnectionString, "SELECT job_id, reason_code, message FROM dead_letters")).ToDictionary(r => (string)r[0]!, r => ((string)r[1]!, (string)r[2]!));
        foreach (var (jobId, reason) in expected)
            Assert.True(rows.TryGetValue(jobId, out var got) && got.Item1 == reason, $"{jobId}: expected {reason}, got {(rows.TryGetValue(jobId, out var g) ? g : default)}");
        Assert.StartsWith("sampling.top_p: 0 is not in (0, 1]", rows["p-sampling-topp0"].Item2);
        Assert.StartsWith("messages[0].content[0].type: 'audio'", rows["p-content-type"].Item2);
        Assert.Contains("'good-3'", rows["p-dup"].Item2);
        // A message that cannot be read as a job, from a producer that registered nothing, names a job that does not
        // exist here: it is kept under its message id (it can end no job), saying what it claimed.
        var unreadable = rows.Where(kv => kv.Key.StartsWith("message:", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, unreadable.Count);
        Assert.All(unreadable, kv => Assert.Equal("malformed_message", kv.Value.Item1));
        var shape = unreadable.Single(kv => kv.Value.Item2.Contains("'p-shape'")).Value.Item2;
        Assert.Contains("messages", shape);
        Assert.Contains("[not attributed: job 'p-shape' does not exist here]", shape);
        Assert.Contains("$.sampling.top_p", unreadable.Single(kv => kv.Value.Item2.Contains("'p-types'")).Value.Item2);
        Assert.Equal(0, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM jobs WHERE id IN ('p-shape', 'p-types')"));

        // Good jobs untouched; statuses by reason; nothing left in the error queue (it drained into the table).
        Assert.Equal(10, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results"));
        Assert.Equal("expired", (await Database.RowsAsync(env.ConnectionString, "SELECT status FROM jobs WHERE id = 'p-deadline'"))[0][0]);
        Assert.Equal("failed", (await Database.RowsAsync(env.ConnectionString, "SELECT status FROM jobs WHERE id = 'p-transient'"))[0][0]);
        Assert.Equal("dead_lettered", (await Database.RowsAsync(env.ConnectionString, "SELECT status FROM jobs WHERE id = 'p-dup'"))[0][0]);
        Assert.Equal(3, executor.Executions["p-transient"]);
        Assert.Equal(0, await Broker.MessageCountAsync(JobQueueTopology.ErrorQueue(queue)));
        var progress = (await new ProgressReader(Database.Contexts(env.ConnectionString)).ReadAsync(ds, default)).Single();
        Assert.Equal(progress.Total, progress.Succeeded + progress.Failed + progress.DeadLettered + progress.Pending);
        Assert.Equal((10L, 0L), (progress.Succeeded, progress.Pending));

        // Requeue closes the loop: the missing image appears, the job is requeued and succeeds.
        await File.WriteAllBytesAsync(Path.Combine(media, "missing.png"), [1]);
        await using (var publisher = await JobPublisher.ConnectAsync(TestServices.RabbitMq, queue, default))
        {
            var (requeued, _) = await new DeadLetterStore(Database.Contexts(env.ConnectionString)).RequeueAsync(ds, "media_unreadable", publisher.PublishAsync, default);
            Assert.Equal(1, requeued);
        }
        await TestServices.WaitUntilAsync(async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results WHERE job_id = 'p-media'") == 1,
            TimeSpan.FromSeconds(30), async () => "requeued job did not succeed: " + string.Join("; ",
                (await Database.RowsAsync(env.ConnectionString, "SELECT j.status, j.attempts, d.reason_code, d.message, d.requeued_at, d.payload::text FROM jobs j LEFT JOIN dead_letters d ON d.job_id = j.id WHERE j.id = 'p-media'"))
                .Select(r => string.Join(" | ", r))));
        Assert.Equal("succeeded", (await Database.RowsAsync(env.ConnectionString, "SELECT status FROM jobs WHERE id = 'p-media'"))[0][0]);
        Assert.Equal(1, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters WHERE job_id = 'p-media' AND requeued_at IS NOT NULL"));
    }
}
