using InternS1.Batch.Storage.Entities;
using Npgsql;
using NpgsqlTypes;

namespace InternS1.Batch.Storage.Ledger;

/// <summary>
/// The <c>jobs</c> bookkeeping around execution: registering submitted jobs as queued, and marking a
/// delivery as started (or finding that the job already ended, or that its custom_id is taken).
/// Transient database errors are thrown to the caller (the consumer's retry handles them).
/// </summary>
public sealed class JobLedger(NpgsqlDataSource dataSource)
{
    private static readonly string Terminal = string.Join(", ", JobStatus.Terminal.Select(s => $"'{s}'"));

    private static readonly string BeginSql = $"""
        INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, deadline, payload, created_at, started_at)
        VALUES (@id, @dataset, @custom_id, 'running', 1, @priority, @deadline, @payload::jsonb, now(), now())
        ON CONFLICT (id) DO UPDATE SET
            status     = CASE WHEN jobs.status IN ({Terminal}) THEN jobs.status ELSE 'running' END,
            attempts   = CASE WHEN jobs.status IN ({Terminal}) THEN jobs.attempts ELSE jobs.attempts + 1 END,
            started_at = CASE WHEN jobs.status IN ({Terminal}) THEN jobs.started_at ELSE now() END
        RETURNING status, attempts
        """;

    private const string InsertDatasetSql = "INSERT INTO datasets (name, created_at) VALUES (@dataset, now()) ON CONFLICT (name) DO NOTHING";

    private const string InsertDuplicateSql = """
        INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, deadline, payload, created_at, started_at, finished_at)
        VALUES (@id, @dataset, @custom_id, 'dead_lettered', 1, @priority, @deadline, @payload::jsonb, now(), now(), now())
        ON CONFLICT (id) DO NOTHING
        """;

    private const string HolderSql = """
        SELECT id FROM jobs WHERE dataset = @dataset AND custom_id = @custom_id AND status <> 'dead_lettered' LIMIT 1
        """;

    /// <summary>Marks a delivery of the job as started (creating the dataset and the job row if needed).</summary>
    public async Task<JobStart> BeginAsync(JobAdmission job, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // One round trip: the dataset (if new) and the job upsert.
            await using var batch = new NpgsqlBatch(connection);
            var ds = new NpgsqlBatchCommand(InsertDatasetSql);
            ds.Parameters.AddWithValue("dataset", job.Dataset);
            batch.BatchCommands.Add(ds);
            var begin = new NpgsqlBatchCommand(BeginSql);
            AddJobParameters(begin.Parameters, job);
            batch.BatchCommands.Add(begin);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var status = reader.GetString(0);
            var attempts = reader.GetInt32(1);
            return new JobStart(JobStatus.IsTerminal(status) ? JobStartKind.AlreadyFinished : JobStartKind.Started, status, attempts);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == Limits.CustomIdIndexName)
        {
            string? holder;
            await using (var find = new NpgsqlCommand(HolderSql, connection))
            {
                find.Parameters.AddWithValue("dataset", job.Dataset);
                find.Parameters.AddWithValue("custom_id", job.CustomId);
                holder = await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            }
            await using var insert = new NpgsqlCommand(InsertDuplicateSql, connection);
            AddJobParameters(insert.Parameters, job);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new JobStart(JobStartKind.DuplicateCustomId, JobStatus.DeadLettered, 1, holder);
        }
    }

    /// <summary>Ends a <c>running</c> job that will have no result and no dead letter with <paramref name="status"/>
    /// (<c>failed</c> or <c>cancelled</c>): an interactive request of the serve endpoint whose engine run failed or
    /// whose client went away (the HTTP response is its report). A job in any other status is left alone.</summary>
    /// <returns>True when the row changed.</returns>
    public async Task<bool> EndWithoutResultAsync(string jobId, string status, CancellationToken cancellationToken)
    {
        if (status is not (JobStatus.Failed or JobStatus.Cancelled))
            throw new ArgumentOutOfRangeException(nameof(status), status, "only failed or cancelled end a job without a result");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("UPDATE jobs SET status = @status, finished_at = now() WHERE id = @id AND status = 'running'", connection);
        cmd.Parameters.AddWithValue("status", status);
        cmd.Parameters.AddWithValue("id", jobId);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Registers submitted jobs as <c>queued</c> (one transaction). Jobs whose id exists, or whose
    /// custom_id is taken in the dataset, are left alone (the worker judges them). Returns the rows added.</summary>
    public async Task<int> RegisterQueuedAsync(string dataset, IReadOnlyList<JobAdmission> jobs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var ds = new NpgsqlCommand(InsertDatasetSql, connection, tx))
        {
            ds.Parameters.AddWithValue("dataset", dataset);
            await ds.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, deadline, payload, created_at)
            SELECT t.id, t.dataset, t.custom_id, 'queued', 0, t.priority, t.deadline, t.payload::jsonb, now()
            FROM unnest(@id, @dataset, @custom_id, @priority, @deadline, @payload) AS t(id, dataset, custom_id, priority, deadline, payload)
            ON CONFLICT DO NOTHING
            """, connection, tx);
        cmd.Parameters.Add(Texts("id", jobs.Select(j => j.JobId)));
        cmd.Parameters.Add(Texts("dataset", jobs.Select(j => j.Dataset)));
        cmd.Parameters.Add(Texts("custom_id", jobs.Select(j => j.CustomId)));
        cmd.Parameters.Add(new NpgsqlParameter<int[]>("priority", jobs.Select(j => j.Priority).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter("deadline", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            Value = jobs.Select(j => j.Deadline is { } d ? (DateTime?)d.UtcDateTime : null).ToArray(),
        });
        cmd.Parameters.Add(Texts("payload", jobs.Select(j => Writing.PgText.CleanJson(j.PayloadJson))));
        var added = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return added;
    }

    private static NpgsqlParameter Texts(string name, IEnumerable<string> values)
        => new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() };

    private static void AddJobParameters(NpgsqlParameterCollection parameters, JobAdmission job)
    {
        parameters.AddWithValue("id", job.JobId);
        parameters.AddWithValue("dataset", job.Dataset);
        parameters.AddWithValue("custom_id", job.CustomId);
        parameters.AddWithValue("priority", job.Priority);
        parameters.Add(new NpgsqlParameter("deadline", NpgsqlDbType.TimestampTz) { Value = job.Deadline is { } d ? d.UtcDateTime : DBNull.Value });
        parameters.AddWithValue("payload", Writing.PgText.CleanJson(job.PayloadJson));
    }
}
