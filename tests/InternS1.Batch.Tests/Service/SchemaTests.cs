using InternS1.Batch.Storage.Schema;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Tests.Service;

[Trait("Category", "Service")]
public class SchemaTests
{
    [Fact]
    public async Task Dashboard_views_count_hand_inserted_rows_as_computed_by_hand()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_views", default);
        await Database.ExecuteAsync(env.ConnectionString, """
            INSERT INTO datasets (name) VALUES ('a'), ('b');
            INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload, created_at, started_at, finished_at) VALUES
              ('1','a','1','queued',0,0,'{}',now(),null,null), ('2','a','2','queued',0,0,'{}',now(),null,null),
              ('3','a','3','running',1,0,'{}',now(),now(),null),
              ('4','a','4','succeeded',1,0,'{}','2025-03-01T10:00:00Z','2025-03-01T10:00:01Z','2025-03-01T10:00:02Z'),
              ('5','a','5','succeeded',1,0,'{}','2025-03-01T10:00:00Z','2025-03-01T10:00:01Z','2025-03-01T10:00:03Z'),
              ('6','a','6','succeeded',1,0,'{}','2025-03-01T10:00:00Z','2025-03-01T10:00:01Z','2025-03-01T10:00:06Z'),
              ('7','a','7','failed',3,0,'{}',now(),now(),now()), ('8','a','8','expired',1,0,'{}',now(),now(),now()),
              ('9','a','9','dead_lettered',1,0,'{}',now(),now(),now()), ('10','a','10','dead_lettered',1,0,'{}',now(),now(),now()),
              ('11','b','1','succeeded',1,0,'{}','2025-03-02T00:00:00Z','2025-03-02T00:00:00Z','2025-03-02T00:00:01Z');
            INSERT INTO results (job_id, content, finish_reason, model, seed) VALUES ('4','x','stop','m',0), ('5','x','stop','m',0), ('6','x','stop','m',0), ('11','x','stop','m',0);
            INSERT INTO token_usage (job_id, prompt_tokens, image_tokens, video_tokens, cached_tokens, completion_tokens, reasoning_tokens, queue_ms, prefill_ms, decode_ms, created_at) VALUES
              ('4', 100, 50, 0, 10, 20, 5, 100, 10, 1, '2025-03-01T10:00:02Z'),
              ('5', 200,  0, 64, 0, 30, 0, 200, 20, 2, '2025-03-01T10:00:03Z'),
              ('6', 300,  0, 0, 30, 40, 7, 300, 30, 3, '2025-03-01T10:00:06Z'),
              ('11',  7,  0, 0, 0,  1, 0,   1,  1, 1, '2025-03-02T00:00:01Z');
            INSERT INTO dead_letters (job_id, dataset, reason_code, message, payload, attempts, source) VALUES
              ('7','a','retries_exhausted','m','{}',3,'error_queue'), ('8','a','deadline_expired','m','{}',1,'consumer'),
              ('9','a','invalid_sampling','m','{}',1,'consumer'), ('10','a','invalid_sampling','m','{}',1,'consumer');
            INSERT INTO dead_letters (job_id, dataset, reason_code, message, payload, attempts, source, requeued_at) VALUES
              ('9','a','media_unreadable','old','{}',1,'consumer', now());
            """);

        var progress = await Database.RowsAsync(env.ConnectionString, "SELECT dataset, total, succeeded, failed, dead_lettered, pending FROM dataset_progress ORDER BY dataset");
        Assert.Equal(["a", 10L, 3L, 2L, 2L, 3L], progress[0]);
        Assert.Equal(["b", 1L, 1L, 0L, 0L, 0L], progress[1]);

        var tokens = await Database.RowsAsync(env.ConnectionString,
            "SELECT jobs, prompt_tokens, image_tokens, video_tokens, cached_tokens, completion_tokens, reasoning_tokens, total_tokens FROM tokens_per_dataset_day WHERE dataset = 'a'");
        Assert.Equal([3L, 600L, 50L, 64L, 40L, 90L, 12L, 690L], tokens.Single());

        // percentile_cont(0.5) of end-to-end 2 s, 3 s, 6 s = 3000 ms; of queue 100, 200, 300 ms = 200 ms;
        // p90 of end-to-end = 3000 + 0.8 * (6000 - 3000) = 5400 ms.
        var latency = (await Database.RowsAsync(env.ConnectionString,
            "SELECT jobs, end_to_end_p50_ms, end_to_end_p90_ms, queue_p50_ms, run_p50_ms FROM latency_percentiles WHERE dataset = 'a'")).Single();
        Assert.Equal(3L, latency[0]);
        Assert.Equal(3000.0, Convert.ToDouble(latency[1]), 6);
        Assert.Equal(5400.0, Convert.ToDouble(latency[2]), 6);
        Assert.Equal(200.0, Convert.ToDouble(latency[3]), 6);
        Assert.Equal(2000.0, Convert.ToDouble(latency[4]), 6);

        var failures = (await Database.RowsAsync(env.ConnectionString, "SELECT reason_code, dead_letters FROM failures_by_reason WHERE dataset = 'a' ORDER BY reason_code"))
            .Select(r => $"{r[0]}={r[1]}");
        Assert.Equal(["deadline_expired=1", "invalid_sampling=2", "retries_exhausted=1"], failures);

        var perMinute = await Database.RowsAsync(env.ConnectionString,
            "SELECT succeeded, completion_tokens FROM throughput_per_minute WHERE dataset = 'a' AND minute = '2025-03-01T10:00:00Z'");
        Assert.Equal([3L, 90L], perMinute.Single());
    }

    [Fact]
    public async Task A_fresh_database_has_every_migration_pending_and_none_once_migrated_and_the_scratch_database_is_dropped_on_dispose()
    {
        string name;
        await using (var scratch = await ScratchDatabase.CreateAsync(TestServices.Postgres, "t_migrate", migrate: false, default))
        {
            name = scratch.Name;
            var migrator = SchemaMigrator.For(scratch.ConnectionString);
            // the migrations in migrations/InternS1.Batch.Migrations/Migrations
            Assert.Equal(["20261129023522_InitialSchema", "20261129023541_DashboardViewsAndRole", "20261201105751_StructuredOutput", "20261201105926_CancellationsAndOperationsViews", "20261201110000_LeastPrivilegeRoles", "20261201110044_RemoteUsageFields", "20261201110730_JobIdentityAndCrashes"],
                await migrator.PendingAsync(default));
            Assert.Equal(0, await Database.CountAsync(scratch.ConnectionString, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'jobs'"));

            await migrator.MigrateAsync(default);
            Assert.Empty(await migrator.PendingAsync(default));
            Assert.Equal(1, await Database.CountAsync(scratch.ConnectionString, "SELECT count(*) FROM information_schema.views WHERE table_name = 'dataset_progress'"));
            await migrator.MigrateAsync(default); // up to date: nothing to do
        }
        Assert.Equal(0, await Database.CountAsync(TestServices.Postgres, "SELECT count(*) FROM pg_database WHERE datname = @name", ("name", name)));
    }
}
