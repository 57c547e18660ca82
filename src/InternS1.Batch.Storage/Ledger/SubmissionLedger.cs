using Npgsql;
using NpgsqlTypes;

namespace InternS1.Batch.Storage.Ledger;

/// <summary>
/// The <c>jobs</c> reads and writes of <c>interns1 submit</c> before it publishes: which lines' job ids or custom_ids
/// already have a row (<see cref="FindAsync"/>), and superseding jobs whose prompt changed (<see cref="SupersedeAsync"/>).
/// </summary>
public sealed class SubmissionLedger(NpgsqlDataSource dataSource)
{
    /// <summary>A row that already holds a line's job id, or its custom_id in the dataset.</summary>
    public sealed record ExistingJob(string JobId, string Dataset, string CustomId, string Status, string? PayloadHash);

    private const string FindSql = """
        SELECT id, dataset, custom_id, status, payload_hash FROM jobs WHERE id = ANY(@ids)
        UNION
        SELECT id, dataset, custom_id, status, payload_hash FROM jobs
        WHERE dataset = @dataset AND custom_id = ANY(@custom_ids) AND status <> 'dead_lettered'
        """;

    // One transaction: keep what the job was (its result with usage, or its open dead letter), then reset it to queued
    // with the new payload. The hash check in the result writer drops a result that an old delivery still computes.
    private static readonly string[] SupersedeSql =
    [
        """
        INSERT INTO superseded_jobs (job_id, dataset, custom_id, status, payload, payload_hash, result, dead_letter, superseded_at, superseded_by)
        SELECT j.id, j.dataset, j.custom_id, j.status, j.payload, j.payload_hash,
               (SELECT to_jsonb(r) || jsonb_build_object('usage', (SELECT to_jsonb(u) FROM token_usage u WHERE u.job_id = r.job_id))
                FROM results r WHERE r.job_id = j.id),
               (SELECT to_jsonb(d) - 'payload' FROM dead_letters d WHERE d.job_id = j.id AND d.requeued_at IS NULL),
               now(), t.payload_hash
        FROM jobs j JOIN unnest(@id, @payload_hash) AS t(id, payload_hash) ON j.id = t.id
        WHERE j.dataset = @dataset AND j.payload_hash IS DISTINCT FROM t.payload_hash
        """,
        "DELETE FROM token_usage WHERE job_id = ANY(@id)",
        "DELETE FROM results WHERE job_id = ANY(@id)",
        "UPDATE dead_letters SET requeued_at = now() WHERE job_id = ANY(@id) AND requeued_at IS NULL",
        """
        UPDATE jobs j SET status = 'queued', attempts = 0, crashes = 0, attempt_owner = NULL, payload = t.payload::jsonb,
                          payload_hash = t.payload_hash, priority = t.priority, deadline = t.deadline, started_at = NULL, finished_at = NULL
        FROM unnest(@id, @payload, @payload_hash, @priority, @deadline) AS t(id, payload, payload_hash, priority, deadline)
        WHERE j.id = t.id AND j.dataset = @dataset
        """,
    ];

    /// <summary>Rows holding any of <paramref name="jobIds"/>, or any of <paramref name="customIds"/> in
    /// <paramref name="dataset"/> (dead-lettered duplicates excluded).</summary>
    public async Task<IReadOnlyList<ExistingJob>> FindAsync(string dataset, IReadOnlyCollection<string> jobIds, IReadOnlyCollection<string> customIds,
        CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand(FindSql);
        cmd.Parameters.Add(JobLedger.Texts("ids", jobIds));
        cmd.Parameters.AddWithValue("dataset", dataset);
        cmd.Parameters.Add(JobLedger.Texts("custom_ids", customIds));
        var rows = new List<ExistingJob>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            rows.Add(new ExistingJob(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        return rows;
    }

    /// <summary>
    /// Supersedes jobs of <paramref name="dataset"/> whose prompt changed (<c>submit --replace</c>): each old state goes
    /// to <c>superseded_jobs</c> (status, payload, hash, the result with its usage or the open dead letter, when, and
    /// the new hash); the result and usage rows are removed, an open dead letter is closed (<c>requeued_at</c>), and the
    /// job row becomes <c>queued</c> with the new payload and hash, attempts and crashes reset. One transaction.
    /// Returns the jobs superseded.
    /// </summary>
    public async Task<int> SupersedeAsync(string dataset, IReadOnlyList<JobAdmission> replacements, CancellationToken cancellationToken)
    {
        if (replacements.Count == 0) return 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, tx);
        var parameters = new NpgsqlParameter[]
        {
            new("dataset", dataset),
            JobLedger.Texts("id", replacements.Select(r => r.JobId)),
            JobLedger.Texts("payload", replacements.Select(r => Writing.PgText.CleanJson(r.PayloadJson))),
            new("payload_hash", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = replacements.Select(r => r.PayloadHash).ToArray() },
            new NpgsqlParameter<int[]>("priority", replacements.Select(r => r.Priority).ToArray()),
            new("deadline", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
            {
                Value = replacements.Select(r => r.Deadline is { } d ? (DateTime?)d.UtcDateTime : null).ToArray(),
            },
        };
        foreach (var sql in SupersedeSql)
        {
            var cmd = new NpgsqlBatchCommand(sql);
            foreach (var p in parameters.Where(p => sql.Contains("@" + p.ParameterName, StringComparison.Ordinal)))
                cmd.Parameters.Add(p.Clone());
            batch.BatchCommands.Add(cmd);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        var superseded = batch.BatchCommands[0].RecordsAffected;
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return superseded;
    }
}
