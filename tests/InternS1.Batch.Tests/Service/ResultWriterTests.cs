using InternS1.Batch.Contracts.Events;
using InternS1.Batch.Storage;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace InternS1.Batch.Tests.Service;

[Trait("Category", "Service")]
public class ResultWriterTests
{
    private static ResultRecord Result(string jobId, int prompt = 10) => new()
    {
        JobId = jobId, Content = "c-" + jobId, FinishReason = "stop", Model = "m", Seed = 1,
        Usage = new TokenUsageInfo { PromptTokens = prompt, CompletionTokens = 3, ReasoningTokens = 1, ImageTokens = 2, CachedTokens = 4 },
        QueueMs = 1.5, PrefillMs = 2.5, DecodeMs = 3.5,
    };

    private static async Task<(ScratchEnvironment, NpgsqlDataSource, ResultWriter)> StartAsync(string name, int jobs, StorageOptions? options = null)
    {
        var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, name, default);
        await Database.ExecuteAsync(env.ConnectionString, $"""
            INSERT INTO datasets (name) VALUES ('w');
            INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload)
            SELECT 'job-' || i, 'w', 'c-' || i, 'running', 1, 0, '{"{"}{"}"}'::jsonb FROM generate_series(0, {jobs - 1}) i;
            """);
        var dataSource = NpgsqlDataSource.Create(env.ConnectionString);
        var writer = new ResultWriter(dataSource, Microsoft.Extensions.Options.Options.Create(options ?? new StorageOptions()), NullLogger<ResultWriter>.Instance);
        await writer.StartAsync(default);
        return (env, dataSource, writer);
    }

    [Fact]
    public async Task A_result_or_dead_letter_computed_for_other_content_than_the_rows_is_not_written()
    {
        var (env, dataSource, writer) = await StartAsync("t_rw_hash", 2);
        await using var _ = env;
        await using var __ = dataSource;
        await Database.ExecuteAsync(env.ConnectionString, "UPDATE jobs SET payload_hash = repeat('a', 64)");

        Assert.False(await writer.WriteResultAsync(Result("job-0") with { PayloadHash = new string('b', 64) }));
        Assert.False(await writer.WriteDeadLetterAsync(new DeadLetterRecord
        {
            JobId = "job-1", PayloadHash = new string('b', 64), ReasonCode = "invalid_field", Message = "m", PayloadJson = "{}",
        }));
        Assert.True(await writer.WriteResultAsync(Result("job-1") with { PayloadHash = new string('a', 64) }));
        await writer.StopAsync(default);

        var rows = await Database.RowsAsync(env.ConnectionString, "SELECT id, status, (SELECT count(*) FROM results r WHERE r.job_id = j.id), (SELECT count(*) FROM token_usage u WHERE u.job_id = j.id) FROM jobs j ORDER BY id");
        Assert.Equal(new object?[] { "job-0", "running", 0L, 0L }, rows[0]);
        Assert.Equal(new object?[] { "job-1", "succeeded", 1L, 1L }, rows[1]);
        Assert.Equal(0, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters"));
    }

    [Fact]
    public async Task Concurrent_writes_of_one_job_leave_exactly_one_result_and_one_usage_row()
    {
        var (env, dataSource, writer) = await StartAsync("t_rw_one", 1);
        await using var _ = env;
        await using var __ = dataSource;
        var inserted = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => writer.WriteResultAsync(Result("job-0")))));
        await writer.StopAsync(default);
        Assert.Equal(1, inserted.Count(x => x));
        Assert.Equal(1, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results"));
        Assert.Equal(1, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM token_usage"));
        var row = (await Database.RowsAsync(env.ConnectionString, "SELECT j.status, u.prompt_tokens, u.cached_tokens, u.decode_ms FROM jobs j JOIN token_usage u ON u.job_id = j.id"))[0];
        Assert.Equal(("succeeded", 10, 4, 3.5), ((string)row[0]!, (int)row[1]!, (int)row[2]!, (double)row[3]!));
    }

    [Fact]
    public async Task Many_completions_are_committed_in_few_transactions_and_a_bad_record_fails_only_its_caller()
    {
        // NOTE: a 50 ms window, so the 301 records queued at once are grouped the same way on a loaded machine (with the
        // default of no window, a group is whatever queued while the previous one committed, and the bad record's group,
        // rewritten one by one, can be of any size).
        var (env, dataSource, writer) = await StartAsync("t_rw_many", 300, new StorageOptions { WriteBatchWindow = TimeSpan.FromMilliseconds(50) });
        await using var _ = env;
        await using var __ = dataSource;
        var writes = Enumerable.Range(0, 300).Select(i => writer.WriteResultAsync(Result($"job-{i}"))).ToList();
        var orphan = writer.WriteResultAsync(Result("no-such-job")); // violates the jobs foreign key
        await Task.WhenAll(writes);
        await Assert.ThrowsAsync<PostgresException>(() => orphan);
        await writer.StopAsync(default);

        Assert.All(writes, w => Assert.True(w.Result));
        Assert.Equal(300, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results"));
        Assert.Equal(300, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM jobs WHERE status = 'succeeded'"));
        // 301 records queued at once: groups of <= 256, plus the one-by-one rewrite of the failed group (<= 257).
        Assert.True(writer.GroupsCommitted < 301 - 256 + 10, $"{writer.GroupsCommitted} transactions for 300 results");
    }

    [Fact]
    public async Task A_dead_letter_for_a_job_that_has_a_result_is_not_written()
    {
        var (env, dataSource, writer) = await StartAsync("t_rw_dl", 2);
        await using var _ = env;
        await using var __ = dataSource;
        Assert.True(await writer.WriteResultAsync(Result("job-0")));
        var late = new DeadLetterRecord { JobId = "job-0", Dataset = "w", ReasonCode = "retries_exhausted", Message = "m", PayloadJson = "{}", FinalStatus = "failed" };
        Assert.False(await writer.WriteDeadLetterAsync(late));
        Assert.True(await writer.WriteDeadLetterAsync(late with { JobId = "job-1" }));
        Assert.False(await writer.WriteDeadLetterAsync(late with { JobId = "job-1" }));
        await writer.StopAsync(default);
        var statuses = (await Database.RowsAsync(env.ConnectionString, "SELECT id, status FROM jobs ORDER BY id")).Select(r => $"{r[0]}={r[1]}");
        Assert.Equal(["job-0=succeeded", "job-1=failed"], statuses);
        Assert.Equal(1, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters"));
    }
}
