using InternS1.Batch.Contracts.Events;
using InternS1.Batch.Storage;
using InternS1.Batch.Storage.Cancelling;
using InternS1.Batch.Storage.Export;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace InternS1.Batch.Tests.Service;

/// <summary><see cref="JobCanceller"/> (what <c>interns1 cancel</c> does to the database), the result writer meeting a
/// cancelled job, and the export of cancelled lines, on rows written by hand with SQL.</summary>
[Trait("Category", "Service")]
public class CancellationTests
{
    private const string Rows = """
        INSERT INTO datasets (name) VALUES ('run'), ('other');
        INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload, created_at, started_at, finished_at) VALUES
          ('done', 'run', 'c1', 'succeeded', 1, 0, '{}', '2026-01-01 00:00:01+00', '2026-01-01 00:00:10+00', '2026-01-01 00:01:00+00'),
          ('bad', 'run', 'c2', 'dead_lettered', 1, 0, '{}', '2026-01-01 00:00:02+00', '2026-01-01 00:00:10+00', '2026-01-01 00:01:00+00'),
          ('wait', 'run', 'c3', 'queued', 0, 0, '{}', '2026-01-01 00:00:03+00', NULL, NULL),
          ('busy', 'run', 'c4', 'running', 1, 0, '{}', '2026-01-01 00:00:04+00', '2026-01-01 00:00:10+00', NULL),
          ('elsewhere', 'other', 'c1', 'queued', 0, 0, '{}', '2026-01-01 00:00:05+00', NULL, NULL);
        INSERT INTO results (job_id, content, tool_calls, finish_reason, model, seed, created_at)
          VALUES ('done', 'kept', '[]', 'stop', 'm', 3, '2026-01-01 00:01:00+00');
        INSERT INTO token_usage (job_id, prompt_tokens, image_tokens, video_tokens, cached_tokens, completion_tokens, reasoning_tokens, queue_ms, prefill_ms, decode_ms)
          VALUES ('done', 10, 0, 0, 0, 2, 0, 0, 0, 0);
        INSERT INTO dead_letters (job_id, dataset, custom_id, reason_code, message, payload, attempts, source)
          VALUES ('bad', 'run', 'c2', 'invalid_sampling', 'sampling.top_p: 0 is not in (0, 1]', '{}', 1, 'consumer');
        """;

    private static async Task<(ScratchEnvironment Env, NpgsqlDataSource Source)> SeedAsync(string name)
    {
        var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, name, default);
        await Database.ExecuteAsync(env.ConnectionString, Rows);
        return (env, NpgsqlDataSource.Create(env.ConnectionString));
    }

    private static async Task<Dictionary<string, string>> StatusesAsync(string connectionString)
        => (await Database.RowsAsync(connectionString, "SELECT id, status FROM jobs")).ToDictionary(r => (string)r[0]!, r => (string)r[1]!);

    [Fact]
    public async Task Cancelling_a_dataset_moves_its_queued_and_running_jobs_and_leaves_ended_jobs_and_other_datasets_alone()
    {
        var (env, source) = await SeedAsync("t_cancel_ds");
        await using var _ = env;
        await using var __ = source;
        var canceller = new JobCanceller(source);

        var first = await canceller.CancelAsync(new CancelRequest { Dataset = "run", RequestedBy = "alice@lab" }, default);
        Assert.Equal((true, 2, 0, 2), (first.Found, first.Cancelled, first.AlreadyCancelled, first.Ended));
        Assert.Equal(new Dictionary<string, string>
        {
            ["done"] = "succeeded", ["bad"] = "dead_lettered", ["wait"] = "cancelled", ["busy"] = "cancelled", ["elsewhere"] = "queued",
        }, await StatusesAsync(env.ConnectionString));
        Assert.Equal(2, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM jobs WHERE status = 'cancelled' AND finished_at IS NOT NULL"));
        Assert.Equal("kept", (await Database.RowsAsync(env.ConnectionString, "SELECT content FROM results WHERE job_id = 'done'"))[0][0]);
        var row = Assert.Single(await Database.RowsAsync(env.ConnectionString, "SELECT id, dataset, job_id, requested_by, jobs_cancelled FROM cancellations"));
        Assert.Equal(new object?[] { first.CancellationId, "run", null, "alice@lab", 2 }, row);

        // Idempotent: a repeat changes no job and says so.
        var again = await canceller.CancelAsync(new CancelRequest { Dataset = "run", RequestedBy = "alice@lab" }, default);
        Assert.Equal((true, 0, 2, 2), (again.Found, again.Cancelled, again.AlreadyCancelled, again.Ended));
        Assert.Equal(2, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM cancellations"));
        Assert.Equal("queued", (await StatusesAsync(env.ConnectionString))["elsewhere"]);
    }

    [Fact]
    public async Task Cancelling_one_job_touches_only_that_job_and_an_unknown_target_is_not_found()
    {
        var (env, source) = await SeedAsync("t_cancel_job");
        await using var _ = env;
        await using var __ = source;
        var canceller = new JobCanceller(source);

        var one = await canceller.CancelAsync(new CancelRequest { JobId = "wait", RequestedBy = "bob" }, default);
        Assert.Equal((true, 1, 0, 0), (one.Found, one.Cancelled, one.AlreadyCancelled, one.Ended));
        var statuses = await StatusesAsync(env.ConnectionString);
        Assert.Equal(("cancelled", "running", "queued"), (statuses["wait"], statuses["busy"], statuses["elsewhere"]));

        var finished = await canceller.CancelAsync(new CancelRequest { JobId = "done", RequestedBy = "bob" }, default);
        Assert.Equal((true, 0, 0, 1), (finished.Found, finished.Cancelled, finished.AlreadyCancelled, finished.Ended));
        Assert.Equal("succeeded", (await StatusesAsync(env.ConnectionString))["done"]);

        Assert.False((await canceller.CancelAsync(new CancelRequest { JobId = "nope", RequestedBy = "bob" }, default)).Found);
        Assert.False((await canceller.CancelAsync(new CancelRequest { Dataset = "nope", RequestedBy = "bob" }, default)).Found);
        Assert.Equal(2, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM cancellations"));
    }

    [Fact]
    public async Task A_result_or_dead_letter_arriving_after_the_cancel_is_discarded_and_the_job_stays_cancelled()
    {
        var (env, source) = await SeedAsync("t_cancel_late");
        await using var _ = env;
        await using var __ = source;
        await new JobCanceller(source).CancelAsync(new CancelRequest { Dataset = "run", RequestedBy = "carol" }, default);
        var writer = new ResultWriter(source, Microsoft.Extensions.Options.Options.Create(new StorageOptions()), NullLogger<ResultWriter>.Instance);
        await writer.StartAsync(default);
        try
        {
            var usage = new TokenUsageInfo { PromptTokens = 5, CompletionTokens = 1 };
            Assert.False(await writer.WriteResultAsync(new ResultRecord { JobId = "busy", Content = "late", FinishReason = "stop", Model = "m", Usage = usage }));
            Assert.False(await writer.WriteDeadLetterAsync(new DeadLetterRecord
            {
                JobId = "wait", Dataset = "run", ReasonCode = "engine_error", Message = "late", PayloadJson = "{}", FinalStatus = "failed",
            }));
            // The other dataset's job is not cancelled: its result is written as usual.
            Assert.True(await writer.WriteResultAsync(new ResultRecord { JobId = "elsewhere", Content = "fine", FinishReason = "stop", Model = "m", Usage = usage }));
        }
        finally
        {
            await writer.StopAsync(default);
        }
        var statuses = await StatusesAsync(env.ConnectionString);
        Assert.Equal(("cancelled", "cancelled", "succeeded"), (statuses["busy"], statuses["wait"], statuses["elsewhere"]));
        Assert.Equal(["done", "elsewhere"], (await Database.RowsAsync(env.ConnectionString, "SELECT job_id FROM results ORDER BY job_id")).Select(r => (string)r[0]!));
        Assert.Equal(["done", "elsewhere"], (await Database.RowsAsync(env.ConnectionString, "SELECT job_id FROM token_usage ORDER BY job_id")).Select(r => (string)r[0]!));
        Assert.Equal(1, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters"));
    }

    [Fact]
    public async Task Export_marks_cancelled_jobs_like_OpenAI_batch_output_and_the_view_export_writes_the_same_lines()
    {
        var (env, source) = await SeedAsync("t_cancel_export");
        await using var _ = env;
        await using var __ = source;
        await Database.ExecuteAsync(env.ConnectionString, """
            INSERT INTO cancellations (dataset, requested_by, requested_at, jobs_cancelled) VALUES ('run', 'dave@lab', '2026-01-01 00:05:00+00', 2);
            UPDATE jobs SET status = 'cancelled', finished_at = '2026-01-01 00:05:00+00' WHERE id IN ('wait', 'busy');
            INSERT INTO cancellations (dataset, requested_by, requested_at, jobs_cancelled) VALUES ('run', 'erin@lab', '2026-01-01 00:09:00+00', 0);
            """);

        var lines = new List<string>();
        await foreach (var row in new ExportReader(Database.Contexts(env.ConnectionString)).ReadAsync("run", default))
            lines.Add(BatchOutputBuilder.ToJsonLine(BatchOutputBuilder.Build(row)));
        var viewLines = new List<string>();
        await foreach (var row in new ExportViewReader(source).ReadAsync("run", default))
            viewLines.Add(BatchOutputBuilder.ToJsonLine(BatchOutputBuilder.Build(row)));

        // The later repeat (erin, 00:09) did not end these jobs: the cancel recorded before they ended did.
        Assert.Equal("""{"id":"batch_req_wait","custom_id":"c3","response":null,"error":{"code":"cancelled","message":"cancelled by dave@lab at 2026-01-01 00:05:00Z"}}""", lines[2]);
        Assert.Equal("""{"id":"batch_req_busy","custom_id":"c4","response":null,"error":{"code":"cancelled","message":"cancelled by dave@lab at 2026-01-01 00:05:00Z"}}""", lines[3]);
        Assert.Equal("""{"id":"batch_req_bad","custom_id":"c2","response":null,"error":{"code":"invalid_sampling","message":"sampling.top_p: 0 is not in (0, 1]"}}""", lines[1]);
        Assert.StartsWith("""{"id":"batch_req_done","custom_id":"c1","response":{"status_code":200""", lines[0]);
        Assert.Equal(4, lines.Count);
        Assert.Equal(lines, viewLines);
    }
}
