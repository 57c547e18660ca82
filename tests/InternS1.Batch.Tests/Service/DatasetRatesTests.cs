using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;
using Npgsql;

namespace InternS1.Batch.Tests.Service;

/// <summary>
/// The <c>dataset_rates</c> view on constructed rows with known finish times. Rows and query share one
/// transaction, so <c>now()</c> is one instant for both and the expected rates and ETAs are exact hand
/// computations from the formula in the view's SQL (N = 5 minutes).
/// </summary>
[Trait("Category", "Service")]
public class DatasetRatesTests
{
    // steady:  first start 1 h ago; ended in the last 5 min: 10 succeeded (30 completion tokens each), 1 dead-lettered,
    //          1 failed, plus 1 cancelled (not counted); one succeeded 50 min ago (outside); 4 queued + 2 running.
    //          window 300 s, 12 ended -> 12 * 60 / 300 = 2.4 jobs/min, 300 tokens / 300 s = 1.0 tokens/s,
    //          ETA = 6 * 60 / 2.4 = 150 s.
    // young:   first start 120 s ago; 3 succeeded (50 tokens each) 100, 60 and 20 s ago; 2 queued.
    //          window 120 s -> 3 * 60 / 120 = 1.5 jobs/min, 150 / 120 = 1.25 tokens/s, ETA = 2 * 60 / 1.5 = 80 s.
    // stalled: last end 30 min ago, 3 queued -> no rate, no ETA.
    // done:    everything ended an hour ago -> no rate, ETA 0.
    // empty:   a dataset without jobs -> no rate, ETA 0, window from now() - 5 minutes.
    private const string Rows = """
        INSERT INTO datasets (name) VALUES ('steady'), ('young'), ('stalled'), ('done'), ('empty');
        INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload, created_at, started_at, finished_at)
        SELECT 's' || k, 'steady', 's' || k, CASE k WHEN 11 THEN 'dead_lettered' WHEN 12 THEN 'failed' WHEN 13 THEN 'cancelled' ELSE 'succeeded' END,
               1, 0, '{}', now() - interval '2 hours', now() - interval '50 minutes', now() - k * interval '20 seconds'
        FROM generate_series(1, 13) AS k;
        INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload, created_at, started_at, finished_at) VALUES
          ('s0', 'steady', 's0', 'succeeded', 1, 0, '{}', now() - interval '2 hours', now() - interval '1 hour', now() - interval '50 minutes'),
          ('sq1', 'steady', 'sq1', 'queued', 0, 0, '{}', now() - interval '2 hours', NULL, NULL),
          ('sq2', 'steady', 'sq2', 'queued', 0, 0, '{}', now() - interval '2 hours', NULL, NULL),
          ('sq3', 'steady', 'sq3', 'queued', 0, 0, '{}', now() - interval '2 hours', NULL, NULL),
          ('sq4', 'steady', 'sq4', 'queued', 0, 0, '{}', now() - interval '2 hours', NULL, NULL),
          ('sr1', 'steady', 'sr1', 'running', 1, 0, '{}', now() - interval '2 hours', now() - interval '10 seconds', NULL),
          ('sr2', 'steady', 'sr2', 'running', 1, 0, '{}', now() - interval '2 hours', now() - interval '10 seconds', NULL),
          ('y1', 'young', 'y1', 'succeeded', 1, 0, '{}', now() - interval '3 minutes', now() - interval '120 seconds', now() - interval '100 seconds'),
          ('y2', 'young', 'y2', 'succeeded', 1, 0, '{}', now() - interval '3 minutes', now() - interval '90 seconds', now() - interval '60 seconds'),
          ('y3', 'young', 'y3', 'succeeded', 1, 0, '{}', now() - interval '3 minutes', now() - interval '50 seconds', now() - interval '20 seconds'),
          ('yq1', 'young', 'yq1', 'queued', 0, 0, '{}', now() - interval '3 minutes', NULL, NULL),
          ('yq2', 'young', 'yq2', 'queued', 0, 0, '{}', now() - interval '3 minutes', NULL, NULL),
          ('t1', 'stalled', 't1', 'succeeded', 1, 0, '{}', now() - interval '2 hours', now() - interval '1 hour', now() - interval '30 minutes'),
          ('tq1', 'stalled', 'tq1', 'queued', 0, 0, '{}', now() - interval '2 hours', NULL, NULL),
          ('tq2', 'stalled', 'tq2', 'queued', 0, 0, '{}', now() - interval '2 hours', NULL, NULL),
          ('tq3', 'stalled', 'tq3', 'queued', 0, 0, '{}', now() - interval '2 hours', NULL, NULL),
          ('d1', 'done', 'd1', 'succeeded', 1, 0, '{}', now() - interval '2 hours', now() - interval '70 minutes', now() - interval '1 hour');
        INSERT INTO token_usage (job_id, prompt_tokens, image_tokens, video_tokens, cached_tokens, completion_tokens, reasoning_tokens, queue_ms, prefill_ms, decode_ms)
        SELECT 's' || k, 10, 0, 0, 0, 30, 0, 0, 0, 0 FROM generate_series(1, 10) AS k;
        INSERT INTO token_usage (job_id, prompt_tokens, image_tokens, video_tokens, cached_tokens, completion_tokens, reasoning_tokens, queue_ms, prefill_ms, decode_ms) VALUES
          ('s0', 10, 0, 0, 0, 1000, 0, 0, 0, 0), ('y1', 10, 0, 0, 0, 50, 0, 0, 0, 0), ('y2', 10, 0, 0, 0, 50, 0, 0, 0, 0),
          ('y3', 10, 0, 0, 0, 50, 0, 0, 0, 0), ('t1', 10, 0, 0, 0, 70, 0, 0, 0, 0), ('d1', 10, 0, 0, 0, 80, 0, 0, 0, 0);
        """;

    private sealed record Rate(double WindowAgoSeconds, double WindowSeconds, long Finished, long Tokens, long Pending,
        double? JobsPerMinute, double? TokensPerSecond, double? EtaSeconds, double? EtaFromNowSeconds);

    [Fact]
    public async Task The_rate_over_the_last_five_minutes_and_the_eta_equal_the_hand_computed_values()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_rates", default);
        await using var connection = new NpgsqlConnection(env.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var seed = new NpgsqlCommand(Rows, connection, tx))
            await seed.ExecuteNonQueryAsync();
        var rates = new Dictionary<string, Rate>();
        await using (var read = new NpgsqlCommand("""
            SELECT dataset, window_minutes, extract(epoch FROM now() - window_start)::float8, window_seconds, finished_in_window,
                   completion_tokens_in_window, pending, jobs_per_minute, output_tokens_per_second, eta_seconds,
                   extract(epoch FROM eta_at - now())::float8
            FROM dataset_rates
            """, connection, tx))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                Assert.Equal(5, reader.GetInt32(1));
                double? Real(int i) => reader.IsDBNull(i) ? null : reader.GetDouble(i);
                rates[reader.GetString(0)] = new Rate(reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4), reader.GetInt64(5),
                    reader.GetInt64(6), Real(7), Real(8), Real(9), Real(10));
            }
        }
        await tx.RollbackAsync();

        Assert.Equal(["done", "empty", "stalled", "steady", "young"], rates.Keys.Order(StringComparer.Ordinal));
        AssertRate(new Rate(300, 300, 12, 300, 6, 2.4, 1.0, 150, 150), rates["steady"]);
        AssertRate(new Rate(120, 120, 3, 150, 2, 1.5, 1.25, 80, 80), rates["young"]);
        AssertRate(new Rate(300, 300, 0, 0, 3, null, null, null, null), rates["stalled"]);
        AssertRate(new Rate(300, 300, 0, 0, 0, null, null, 0, 0), rates["done"]);
        AssertRate(new Rate(300, 300, 0, 0, 0, null, null, 0, 0), rates["empty"]);
    }

    private static void AssertRate(Rate expected, Rate actual)
    {
        Assert.Equal(expected.WindowAgoSeconds, actual.WindowAgoSeconds, 6);
        Assert.Equal(expected.WindowSeconds, actual.WindowSeconds, 6);
        Assert.Equal((expected.Finished, expected.Tokens, expected.Pending), (actual.Finished, actual.Tokens, actual.Pending));
        AssertClose(expected.JobsPerMinute, actual.JobsPerMinute);
        AssertClose(expected.TokensPerSecond, actual.TokensPerSecond);
        AssertClose(expected.EtaSeconds, actual.EtaSeconds);
        AssertClose(expected.EtaFromNowSeconds, actual.EtaFromNowSeconds);
    }

    private static void AssertClose(double? expected, double? actual)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }
        Assert.NotNull(actual);
        Assert.Equal(expected.Value, actual.Value, 6);
    }
}
