using System.Text.Json.Nodes;
using InternS1.Batch.Contracts.Events;
using InternS1.Batch.Storage;
using InternS1.Batch.Storage.Export;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace InternS1.Batch.Remote.Tests.Worker;

/// <summary>
/// The remote engine's accounting in PostgreSQL: counts a server did not report are stored NULL (never 0) with the
/// fields it did report; a local row is written as before; the dashboard view and the export keep working with
/// NULLs (the export leaves unknown fields out); the new migration goes down and up again.
/// </summary>
[Trait("Category", "Service")]
public class AccountingStorageTests
{
    private static ResultRecord Record(string jobId, TokenUsageInfo usage, bool thinkingIgnored = false) => new()
    {
        JobId = jobId, Content = "answer", FinishReason = "stop", Model = "internlm/Intern-S1", Seed = 1, ThinkingIgnored = thinkingIgnored, Usage = usage,
    };

    private static async Task SeedJobsAsync(string connectionString, params string[] ids)
    {
        var values = string.Join(", ", ids.Select(id => $"('{id}', 'acc', '{id}', 'running', 1, 0, '{{}}', now(), now())"));
        await Database.ExecuteAsync(connectionString, $"""
            INSERT INTO datasets (name) VALUES ('acc');
            INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload, created_at, started_at) VALUES {values};
            """);
    }

    private static async Task WriteAsync(string connectionString, params ResultRecord[] records)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var writer = new ResultWriter(dataSource, Microsoft.Extensions.Options.Options.Create(new StorageOptions()), NullLogger<ResultWriter>.Instance);
        await writer.StartAsync(default);
        await Task.WhenAll(records.Select(r => writer.WriteResultAsync(r)));
        await writer.StopAsync(default);
    }

    [Fact]
    public async Task Unreported_counts_are_null_reported_fields_are_kept_and_views_and_export_work_with_nulls()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_acc", default);
        await SeedJobsAsync(env.ConnectionString, "local", "vllm", "lmdeploy");
        await WriteAsync(env.ConnectionString,
            Record("local", new TokenUsageInfo { PromptTokens = 300, ImageTokens = 256, CachedTokens = 0, CompletionTokens = 20, ReasoningTokens = 0 }),
            // Our own image count may exceed what a server counts as its prompt (another tiling): stored as it is.
            Record("vllm", new TokenUsageInfo { PromptTokens = 100, ImageTokens = 3328, CompletionTokens = 13, ReportedFields = ["usage.completion_tokens", "usage.prompt_tokens"] }, thinkingIgnored: true),
            Record("lmdeploy", new TokenUsageInfo { PromptTokens = 40, CachedTokens = 20, CompletionTokens = 13, ReasoningTokens = 4,
                ReportedFields = ["usage.completion_tokens", "usage.completion_tokens_details.reasoning_tokens", "usage.prompt_tokens", "usage.prompt_tokens_details.cached_tokens"] }));

        var rows = (await Database.RowsAsync(env.ConnectionString, """
            SELECT u.job_id, u.cached_tokens, u.reasoning_tokens, u.reported_fields, r.thinking_ignored
            FROM token_usage u JOIN results r ON r.job_id = u.job_id ORDER BY u.job_id
            """)).ToDictionary(r => (string)r[0]!, r => (Cached: (int?)r[1], Reasoning: (int?)r[2], Reported: (string[]?)r[3], Ignored: (bool)r[4]!));
        Assert.Equal((0, 0, null, false), (rows["local"].Cached, rows["local"].Reasoning, rows["local"].Reported, rows["local"].Ignored));
        Assert.Equal((null, null, true), (rows["vllm"].Cached, rows["vllm"].Reasoning, rows["vllm"].Ignored));
        Assert.Equal(["usage.completion_tokens", "usage.prompt_tokens"], rows["vllm"].Reported!);
        Assert.Equal((20, 4), (rows["lmdeploy"].Cached, rows["lmdeploy"].Reasoning));
        Assert.Equal(4, rows["lmdeploy"].Reported!.Length);

        // sum() counts the known values: cached 0 + 20, reasoning 0 + 4; two of three jobs have each known.
        var day = (await Database.RowsAsync(env.ConnectionString,
            "SELECT jobs, prompt_tokens, cached_tokens, reasoning_tokens, jobs_with_cached_tokens, jobs_with_reasoning_tokens FROM tokens_per_dataset_day WHERE dataset = 'acc'")).Single();
        Assert.Equal([3L, 440L, 20L, 4L, 2L, 2L], day);

        var lines = new Dictionary<string, JsonNode>();
        await foreach (var row in new ExportReader(InternS1DbContext.CreateFactory(env.ConnectionString)).ReadAsync("acc", default))
            lines[row.JobId] = JsonNode.Parse(BatchOutputBuilder.ToJsonLine(BatchOutputBuilder.Build(row)))!;
        JsonNode Usage(string id) => lines[id]["response"]!["body"]!["usage"]!;
        Assert.Equal("""{"cached_tokens":0,"image_tokens":256,"video_tokens":0}""", Usage("local")["prompt_tokens_details"]!.ToJsonString());
        Assert.Equal("""{"reasoning_tokens":0}""", Usage("local")["completion_tokens_details"]!.ToJsonString());
        Assert.Equal("""{"image_tokens":3328,"video_tokens":0}""", Usage("vllm")["prompt_tokens_details"]!.ToJsonString());
        Assert.Equal("{}", Usage("vllm")["completion_tokens_details"]!.ToJsonString());
        Assert.Equal(20, (int?)Usage("lmdeploy")["prompt_tokens_details"]!["cached_tokens"]);
    }

    [Fact]
    public async Task A_local_row_still_has_to_keep_its_media_tokens_within_its_prompt_tokens()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_acc_ck", default);
        await SeedJobsAsync(env.ConnectionString, "x");
        var e = await Assert.ThrowsAsync<PostgresException>(() => Database.ExecuteAsync(env.ConnectionString,
            "INSERT INTO token_usage (job_id, prompt_tokens, image_tokens, video_tokens, completion_tokens, queue_ms, prefill_ms, decode_ms) VALUES ('x', 10, 256, 0, 1, 0, 0, 0)"));
        Assert.Equal("ck_token_usage_media_within_prompt", e.ConstraintName);
    }

    [Fact]
    public async Task The_migration_goes_down_with_unreported_counts_present_and_up_again()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_acc_down", default);
        await SeedJobsAsync(env.ConnectionString, "r");
        await WriteAsync(env.ConnectionString, Record("r", new TokenUsageInfo { PromptTokens = 10, ImageTokens = 256, CompletionTokens = 2, ReportedFields = [] }));
        var options = new DbContextOptionsBuilder<InternS1DbContext>();
        InternS1DbContext.Configure(options, env.ConnectionString);
        await using var db = new InternS1DbContext(options.Options);
        var migrator = db.GetService<IMigrator>();

        await migrator.MigrateAsync("20261129023541_DashboardViewsAndRole");
        // The old schema cannot say "not reported": 0, and the media count capped at the prompt.
        Assert.Equal([10, 0, 0, 0], (await Database.RowsAsync(env.ConnectionString, "SELECT image_tokens, video_tokens, cached_tokens, reasoning_tokens FROM token_usage")).Single());
        Assert.Equal(0, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM information_schema.columns WHERE column_name IN ('reported_fields', 'thinking_ignored')"));
        Assert.Equal(1, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM tokens_per_dataset_day"));

        await migrator.MigrateAsync();
        Assert.Equal(2, await Database.CountAsync(env.ConnectionString,
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'token_usage' AND column_name IN ('cached_tokens', 'reasoning_tokens') AND is_nullable = 'YES'"));
        Assert.Equal(1, await Database.CountAsync(env.ConnectionString, "SELECT jobs_with_cached_tokens FROM tokens_per_dataset_day")); // the 0 the rollback stored
    }
}
