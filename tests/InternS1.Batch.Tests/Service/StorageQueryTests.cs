using InternS1.Batch.Storage.Export;
using InternS1.Batch.Storage.Reporting;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Tests.Service;

/// <summary>The queries behind <c>status</c>, <c>export</c> and <c>dead-letters list|requeue</c> on rows written
/// by hand with SQL, so the expected values come from the rows, not from the code under test.</summary>
[Trait("Category", "Service")]
public class StorageQueryTests
{
    // Jobs created one second apart (export order), each with the row its status implies.
    private const string Rows = """
        INSERT INTO datasets (name) VALUES ('a'), ('b');
        INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload, created_at, finished_at) VALUES
          ('ok', 'a', 'c-ok', 'succeeded', 1, 0, '{}', '2026-01-01 00:00:01+00', '2026-01-01 00:01:00+00'),
          ('bad', 'a', 'c-bad', 'dead_lettered', 1, 0, '{}', '2026-01-01 00:00:02+00', '2026-01-01 00:01:00+00'),
          ('err', 'a', 'c-err', 'failed', 3, 0, '{}', '2026-01-01 00:00:03+00', '2026-01-01 00:01:00+00'),
          ('wait', 'a', 'c-wait', 'queued', 0, 0, '{}', '2026-01-01 00:00:04+00', NULL),
          ('busy', 'a', 'c-busy', 'running', 1, 0, '{}', '2026-01-01 00:00:05+00', NULL),
          ('other', 'b', 'c-other', 'dead_lettered', 1, 0, '{}', '2026-01-01 00:00:06+00', '2026-01-01 00:01:00+00');
        INSERT INTO results (job_id, content, reasoning_content, tool_calls, finish_reason, model, seed, created_at)
          VALUES ('ok', 'four', 'two and two', '[]', 'stop', 'm', 7, '2026-01-01 00:02:00+00');
        INSERT INTO token_usage (job_id, prompt_tokens, image_tokens, video_tokens, cached_tokens, completion_tokens, reasoning_tokens, queue_ms, prefill_ms, decode_ms)
          VALUES ('ok', 300, 256, 0, 16, 12, 5, 0, 0, 0);
        INSERT INTO dead_letters (job_id, dataset, custom_id, reason_code, message, payload, attempts, source, requeued_at) VALUES
          ('bad', 'a', 'c-bad', 'media_unreadable', 'an older dead letter, requeued', '{"job_id":"bad"}', 1, 'consumer', '2026-01-01 00:00:30+00'),
          ('bad', 'a', 'c-bad', 'invalid_sampling', 'sampling.top_p: 0 is not in (0, 1]', '{"job_id":"bad","custom_id":"c-bad"}', 1, 'consumer', NULL),
          ('err', 'a', 'c-err', 'engine_error', 'boom', '{"job_id":"err","custom_id":"c-err"}', 3, 'error_queue', NULL),
          ('message:m1', NULL, NULL, 'malformed_message', 'not JSON', '{"raw_base64":"eA=="}', 1, 'error_queue', NULL),
          ('other', 'b', 'c-other', 'invalid_sampling', 'x', '{"job_id":"other"}', 1, 'consumer', NULL);
        """;

    private static async Task<ScratchEnvironment> SeedAsync(string name)
    {
        var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, name, default);
        await Database.ExecuteAsync(env.ConnectionString, Rows);
        return env;
    }

    [Fact]
    public async Task Open_dead_letters_are_listed_oldest_first_and_filtered_by_dataset_and_reason()
    {
        await using var env = await SeedAsync("t_q_list");
        var store = new DeadLetterStore(Database.Contexts(env.ConnectionString));

        Assert.Equal(["bad", "err", "message:m1", "other"], (await store.ListAsync(null, null, default)).Select(r => r.JobId));
        Assert.Equal(["bad", "err"], (await store.ListAsync("a", null, default)).Select(r => r.JobId));
        Assert.Equal(["bad", "other"], (await store.ListAsync(null, "invalid_sampling", default)).Select(r => r.JobId));
        var bad = (await store.ListAsync("a", "invalid_sampling", default)).Single();
        Assert.Equal(("c-bad", "sampling.top_p: 0 is not in (0, 1]", 1, "consumer"), (bad.CustomId, bad.Message, bad.Attempts, bad.Source));
        Assert.Empty(await store.ListAsync("b", "engine_error", default));
    }

    [Fact]
    public async Task Requeue_publishes_each_readable_job_marks_it_queued_and_undoes_the_marks_when_the_publish_fails()
    {
        await using var env = await SeedAsync("t_q_requeue");
        var store = new DeadLetterStore(Database.Contexts(env.ConnectionString));
        var published = new List<(string JobId, string Json)>();

        var (requeued, skipped) = await store.RequeueAsync(null, "invalid_sampling", (id, json, _) => { published.Add((id, json)); return Task.CompletedTask; }, default);
        Assert.Equal(2, requeued);
        Assert.Empty(skipped);
        Assert.Equal([("bad", """{"job_id":"bad","custom_id":"c-bad"}"""), ("other", """{"job_id":"other"}""")], published);
        var bad = (await Database.RowsAsync(env.ConnectionString, "SELECT status, finished_at FROM jobs WHERE id = 'bad'"))[0];
        Assert.Equal(("queued", null), ((string)bad[0]!, bad[1]));
        Assert.Equal(0, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters WHERE job_id IN ('bad', 'other') AND requeued_at IS NULL"));

        // A message that was never a job is skipped with the reason; a failed publish leaves the row as it was.
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => store.RequeueAsync("a", null,
            (_, _, _) => throw new InvalidOperationException("broker down"), default));
        Assert.Equal("broker down", failed.Message);
        var err = (await Database.RowsAsync(env.ConnectionString, "SELECT j.status, j.finished_at IS NOT NULL, d.requeued_at FROM jobs j JOIN dead_letters d ON d.job_id = j.id WHERE j.id = 'err'"))[0];
        Assert.Equal(("failed", true, null), ((string)err[0]!, (bool)err[1]!, err[2]));

        var (none, notJobs) = await store.RequeueAsync(null, "malformed_message", (_, _, _) => Task.CompletedTask, default);
        Assert.Equal(0, none);
        Assert.Equal(["message:m1: the message could not be read as a job, so it cannot be requeued"], notJobs);
    }

    [Fact]
    public async Task Export_reads_the_ended_jobs_of_a_dataset_in_submission_order_with_their_result_or_open_dead_letter()
    {
        await using var env = await SeedAsync("t_q_export");
        var reader = new ExportReader(Database.Contexts(env.ConnectionString));

        var rows = new List<ExportRow>();
        await foreach (var row in reader.ReadAsync("a", default))
            rows.Add(row);

        Assert.Equal(["ok", "bad", "err"], rows.Select(r => r.JobId));
        var ok = rows[0];
        Assert.Equal(("c-ok", "succeeded", "four", "two and two", "[]", "stop", "m", 7L), (ok.CustomId, ok.Status, ok.Content, ok.ReasoningContent, ok.ToolCallsJson, ok.FinishReason, ok.Model, ok.Seed));
        Assert.Equal((300, 256, 0, (int?)16, 12, (int?)5), (ok.PromptTokens, ok.ImageTokens, ok.VideoTokens, ok.CachedTokens, ok.CompletionTokens, ok.ReasoningTokens));
        Assert.Equal(new DateTime(2026, 1, 1, 0, 2, 0, DateTimeKind.Utc), ok.CompletedAt);
        Assert.Null(ok.ReasonCode);
        var bad = rows[1];
        Assert.Equal(("invalid_sampling", "sampling.top_p: 0 is not in (0, 1]", null, 0L, 0), (bad.ReasonCode, bad.ErrorMessage, bad.Content, bad.Seed, bad.PromptTokens));
        Assert.Equal(("engine_error", "failed"), (rows[2].ReasonCode, rows[2].Status));
        Assert.Equal(2, await reader.CountPendingAsync("a", default));
        Assert.Equal(0, await reader.CountPendingAsync("b", default));
    }

    [Fact]
    public async Task Progress_counts_each_dataset_from_its_jobs()
    {
        await using var env = await SeedAsync("t_q_progress");
        var progress = await new ProgressReader(Database.Contexts(env.ConnectionString)).ReadAsync(null, default);

        Assert.Equal(["a", "b"], progress.Select(p => p.Dataset));
        var a = progress[0];
        Assert.Equal((5L, 1L, 1L, 1L, 2L, 1L, 1L), (a.Total, a.Succeeded, a.Failed, a.DeadLettered, a.Pending, a.Queued, a.Running));
        var b = Assert.Single(await new ProgressReader(Database.Contexts(env.ConnectionString)).ReadAsync("b", default));
        Assert.Equal((1L, 1L, 0L), (b.Total, b.DeadLettered, b.Pending));
    }
}
