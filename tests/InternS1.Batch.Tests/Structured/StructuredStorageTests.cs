using InternS1.Batch.Contracts.Events;
using InternS1.Batch.Storage;
using InternS1.Batch.Storage.Export;
using InternS1.Batch.Storage.Reporting;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace InternS1.Batch.Tests.Structured;

/// <summary>The structured columns through the real PostgreSQL: the result writer stores the verdict, export reads it
/// back, <c>dataset_progress</c> counts it, and the migration's Down restores the old view.</summary>
[Trait("Category", "Service")]
public class StructuredStorageTests
{
    private static ResultRecord Result(string jobId, string content, bool? valid, string? error = null) => new()
    {
        JobId = jobId, Content = content, FinishReason = valid == false ? "length" : "stop", Model = "m", Seed = 1,
        Usage = new TokenUsageInfo { PromptTokens = 5, CompletionTokens = 3 }, StructuredValid = valid, StructuredError = error,
    };

    [Fact]
    public async Task Verdicts_are_written_read_for_export_and_counted_per_dataset()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_structured", default);
        await Database.ExecuteAsync(env.ConnectionString, """
            INSERT INTO datasets (name) VALUES ('s'), ('plain');
            INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload, created_at) VALUES
              ('v1', 's', 'c-v1', 'running', 1, 0, '{}', '2026-01-01 00:00:01+00'),
              ('v2', 's', 'c-v2', 'running', 1, 0, '{}', '2026-01-01 00:00:02+00'),
              ('cut', 's', 'c-cut', 'running', 1, 0, '{}', '2026-01-01 00:00:03+00'),
              ('txt', 's', 'c-txt', 'running', 1, 0, '{}', '2026-01-01 00:00:04+00'),
              ('p', 'plain', 'c-p', 'running', 1, 0, '{}', '2026-01-01 00:00:05+00');
            """);
        await using (var dataSource = NpgsqlDataSource.Create(env.ConnectionString))
        {
            var writer = new ResultWriter(dataSource, Microsoft.Extensions.Options.Options.Create(new StorageOptions()), NullLogger<ResultWriter>.Instance);
            await writer.StartAsync(default);
            await Task.WhenAll(
                writer.WriteResultAsync(Result("v1", """{"label": "a"}""", true)),
                writer.WriteResultAsync(Result("v2", "[1, 2]", true)),
                writer.WriteResultAsync(Result("cut", """{"label": "a""", false, "the answer is not JSON: x")),
                writer.WriteResultAsync(Result("txt", "free", null)),
                writer.WriteResultAsync(Result("p", "free", null)));
            await writer.StopAsync(default);
        }

        var stored = (await Database.RowsAsync(env.ConnectionString, "SELECT job_id, structured_valid, structured_error FROM results ORDER BY job_id"))
            .Select(r => $"{r[0]}:{r[1]?.ToString() ?? "null"}:{r[2] ?? "null"}");
        Assert.Equal(["cut:False:the answer is not JSON: x", "p:null:null", "txt:null:null", "v1:True:null", "v2:True:null"], stored);

        var rows = new List<ExportRow>();
        await foreach (var row in new ExportReader(Database.Contexts(env.ConnectionString)).ReadAsync("s", default)) rows.Add(row);
        Assert.Equal([("v1", true), ("v2", true), ("cut", false), ("txt", null)], rows.Select(r => (r.JobId, r.StructuredValid)));
        Assert.Equal("the answer is not JSON: x", rows[2].StructuredError);

        var progress = await new ProgressReader(Database.Contexts(env.ConnectionString)).ReadAsync(null, default);
        Assert.Equal([("plain", 0L, 0L), ("s", 2L, 1L)], progress.Select(p => (p.Dataset, p.StructuredValid, p.StructuredInvalid)));
        Assert.Equal(4, progress[1].Succeeded);
    }

    [Fact]
    public async Task The_migration_down_restores_dataset_progress_and_drops_the_columns()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_structured_down", default);
        await using (var db = Database.Contexts(env.ConnectionString).CreateDbContext())
        {
            await db.GetService<IMigrator>().MigrateAsync("DashboardViewsAndRole");
        }
        var columns = await Database.RowsAsync(env.ConnectionString,
            "SELECT column_name FROM information_schema.columns WHERE table_name IN ('results', 'dataset_progress') AND column_name LIKE 'structured%'");
        Assert.Empty(columns);
        Assert.Equal(0, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dataset_progress"));
    }
}
