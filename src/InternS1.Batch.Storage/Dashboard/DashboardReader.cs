using Npgsql;

namespace InternS1.Batch.Storage.Dashboard;

/// <summary>
/// The dashboard's queries. They read views only (<c>dataset_progress</c>, <c>dataset_rates</c>,
/// <c>dataset_tokens</c>, <c>throughput_per_minute</c>, <c>latency_percentiles</c>, <c>failures_by_reason</c>,
/// <c>dead_letter_messages</c>), never a base table, so they run as the read-only role
/// <c>interns1_dashboard</c> and never see a payload, inline media or exception text.
/// </summary>
public sealed class DashboardReader(NpgsqlDataSource dataSource)
{
    private const string OverviewSql = """
        SELECT p.dataset, p.total, p.succeeded, p.failed, p.dead_lettered, p.cancelled, p.pending, p.running,
               r.jobs_per_minute, r.output_tokens_per_second, r.eta_seconds, r.eta_at,
               coalesce(t.prompt_tokens, 0), coalesce(t.completion_tokens, 0), p.last_finished_at
        FROM dataset_progress p
        LEFT JOIN dataset_rates r ON r.dataset = p.dataset
        LEFT JOIN dataset_tokens t ON t.dataset = p.dataset
        {0}
        ORDER BY p.dataset
        """;

    /// <summary>Every dataset, by name.</summary>
    public Task<IReadOnlyList<DatasetOverview>> OverviewAsync(CancellationToken ct) => ReadOverviewAsync(null, ct);

    /// <summary>One dataset, or null when it does not exist.</summary>
    public async Task<DatasetOverview?> DatasetAsync(string dataset, CancellationToken ct)
        => (await ReadOverviewAsync(dataset, ct).ConfigureAwait(false)).SingleOrDefault();

    /// <summary>Completions per minute of the dataset over the <paramref name="window"/> that ends at its last
    /// finished minute, one point per minute from the first to the last minute with a finished job (gaps as zeros).</summary>
    public async Task<IReadOnlyList<ThroughputPoint>> ThroughputAsync(string dataset, TimeSpan window, CancellationToken ct)
    {
        var rows = await QueryAsync("""
            SELECT minute, succeeded, not_succeeded, completion_tokens FROM throughput_per_minute
            WHERE dataset = @dataset
              AND minute > (SELECT max(minute) FROM throughput_per_minute WHERE dataset = @dataset) - @window
            ORDER BY minute
            """, r => new ThroughputPoint(r.GetDateTime(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)), ct,
            ("dataset", dataset), ("window", window)).ConfigureAwait(false);
        var points = new List<ThroughputPoint>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (i > 0)
            {
                for (var m = rows[i - 1].Minute.AddMinutes(1); m < rows[i].Minute; m = m.AddMinutes(1))
                    points.Add(new ThroughputPoint(m, 0, 0, 0));
            }
            points.Add(rows[i]);
        }
        return points;
    }

    /// <summary>Token totals of the dataset's succeeded jobs.</summary>
    public async Task<TokenTotals> TokensAsync(string dataset, CancellationToken ct)
        => (await QueryAsync("""
            SELECT jobs, prompt_tokens, cached_tokens, image_tokens, video_tokens, completion_tokens, reasoning_tokens
            FROM dataset_tokens WHERE dataset = @dataset
            """, r => new TokenTotals(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6)),
            ct, ("dataset", dataset)).ConfigureAwait(false)).SingleOrDefault() ?? TokenTotals.None;

    /// <summary>Latency percentiles of the dataset's succeeded jobs, or null when none succeeded.</summary>
    public async Task<LatencySummary?> LatencyAsync(string dataset, CancellationToken ct)
        => (await QueryAsync("""
            SELECT jobs, end_to_end_p50_ms, end_to_end_p90_ms, end_to_end_p99_ms, run_p50_ms, run_p90_ms, run_p99_ms,
                   queue_p50_ms, queue_p99_ms, prefill_p50_ms, prefill_p99_ms, decode_p50_ms, decode_p99_ms
            FROM latency_percentiles WHERE dataset = @dataset
            """, r => new LatencySummary
            {
                Jobs = r.GetInt64(0),
                EndToEndP50Ms = Real(r, 1), EndToEndP90Ms = Real(r, 2), EndToEndP99Ms = Real(r, 3),
                RunP50Ms = Real(r, 4), RunP90Ms = Real(r, 5), RunP99Ms = Real(r, 6),
                QueueP50Ms = Real(r, 7), QueueP99Ms = Real(r, 8),
                PrefillP50Ms = Real(r, 9), PrefillP99Ms = Real(r, 10),
                DecodeP50Ms = Real(r, 11), DecodeP99Ms = Real(r, 12),
            }, ct, ("dataset", dataset)).ConfigureAwait(false)).SingleOrDefault();

    /// <summary>Open dead letters of the dataset by reason, most first.</summary>
    public Task<List<FailureCount>> FailuresAsync(string dataset, CancellationToken ct)
        => QueryAsync("""
            SELECT reason_code, dead_letters, first_at, last_at FROM failures_by_reason
            WHERE dataset = @dataset ORDER BY dead_letters DESC, reason_code
            """, r => new FailureCount(r.GetString(0), r.GetInt64(1), r.GetDateTime(2), r.GetDateTime(3)), ct, ("dataset", dataset));

    /// <summary>The latest <paramref name="limit"/> open dead letters of the dataset, newest first.</summary>
    public Task<List<RecentDeadLetter>> RecentDeadLettersAsync(string dataset, int limit, CancellationToken ct)
        => QueryAsync("""
            SELECT job_id, custom_id, reason_code, message, attempts, source, created_at FROM dead_letter_messages
            WHERE dataset = @dataset ORDER BY created_at DESC, id DESC LIMIT @limit
            """, r => new RecentDeadLetter(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetString(3),
                r.GetInt32(4), r.GetString(5), r.GetDateTime(6)), ct, ("dataset", dataset), ("limit", limit));

    private async Task<IReadOnlyList<DatasetOverview>> ReadOverviewAsync(string? dataset, CancellationToken ct)
        => await QueryAsync(string.Format(OverviewSql, dataset is null ? "" : "WHERE p.dataset = @dataset"), r => new DatasetOverview
        {
            Dataset = r.GetString(0), Total = r.GetInt64(1), Succeeded = r.GetInt64(2), Failed = r.GetInt64(3),
            DeadLettered = r.GetInt64(4), Cancelled = r.GetInt64(5), Pending = r.GetInt64(6), Running = r.GetInt64(7),
            JobsPerMinute = Real(r, 8), OutputTokensPerSecond = Real(r, 9), EtaSeconds = Real(r, 10),
            EtaAt = r.IsDBNull(11) ? null : r.GetDateTime(11),
            PromptTokens = r.GetInt64(12), CompletionTokens = r.GetInt64(13),
            LastFinishedAt = r.IsDBNull(14) ? null : r.GetDateTime(14),
        }, ct, dataset is null ? [] : [("dataset", dataset)]).ConfigureAwait(false);

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, value);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            rows.Add(map(reader));
        return rows;
    }

    private static double? Real(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);
}
