using InternS1.Batch.Storage.Entities;
using Npgsql;
using NpgsqlTypes;

namespace InternS1.Batch.Storage.Ledger;

/// <summary>
/// The <c>jobs</c> bookkeeping around execution: registering submitted jobs as queued, and marking a delivery as
/// started — or finding that the job already ended, that its custom_id is taken, or that its job id belongs to another
/// job (another dataset, custom_id or content hash: then nothing of that job is touched). A delivery records the worker
/// instance running it (<c>attempt_owner</c>); a start that finds an earlier delivery of another instance still open
/// counts a crash (<c>crashes</c>). Transient database errors are thrown to the caller (the consumer's retry handles them).
/// </summary>
public sealed class JobLedger(NpgsqlDataSource dataSource)
{
    private readonly JobBeginGroups _begins = new(dataSource);

    /// <summary>Round trips that started jobs so far (<see cref="BeginAsync"/>: one per group; for tests).</summary>
    internal long StartGroupsWritten => _begins.GroupsWritten;

    private static readonly string Terminal = string.Join(", ", JobStatus.Terminal.Select(s => $"'{s}'"));

    // NOTE: the WHERE of DO UPDATE makes a delivery whose identity differs from the row's update nothing and return no
    // row: a job id reused by another dataset, custom_id or content never runs as (or ends) the job that holds it.
    // Shared by the single start and the group start (JobBeginGroupSql), which must decide alike.
    internal static readonly string BeginConflictSql = $"""
        ON CONFLICT (id) DO UPDATE SET
            status        = CASE WHEN jobs.status IN ({Terminal}) THEN jobs.status ELSE 'running' END,
            attempts      = CASE WHEN jobs.status IN ({Terminal}) THEN jobs.attempts ELSE jobs.attempts + 1 END,
            crashes       = CASE WHEN jobs.status = 'running' AND jobs.attempt_owner IS NOT NULL
                                      AND jobs.attempt_owner IS DISTINCT FROM excluded.attempt_owner
                                 THEN jobs.crashes + 1 ELSE jobs.crashes END,
            attempt_owner = CASE WHEN jobs.status IN ({Terminal}) THEN jobs.attempt_owner ELSE excluded.attempt_owner END,
            started_at    = CASE WHEN jobs.status IN ({Terminal}) THEN jobs.started_at ELSE now() END,
            payload_hash  = coalesce(jobs.payload_hash, excluded.payload_hash)
        WHERE jobs.dataset = excluded.dataset AND jobs.custom_id = excluded.custom_id
          AND (jobs.payload_hash IS NULL OR excluded.payload_hash IS NULL OR jobs.payload_hash = excluded.payload_hash)
        """;

    private static readonly string BeginSql = $"""
        INSERT INTO jobs (id, dataset, custom_id, status, attempts, crashes, attempt_owner, priority, deadline, payload, payload_hash, created_at, started_at)
        VALUES (@id, @dataset, @custom_id, 'running', 1, 0, @owner, @priority, @deadline, @payload::jsonb, @payload_hash, now(), now())
        {BeginConflictSql}
        RETURNING status, attempts, crashes
        """;

    private const string ConflictSql = """
        SELECT j.status, j.dataset = @dataset AND j.custom_id = @custom_id
                 AND EXISTS (SELECT 1 FROM superseded_jobs s WHERE s.job_id = j.id AND s.payload_hash = @payload_hash)
        FROM jobs j WHERE j.id = @id
        """;

    internal const string InsertDatasetSql = "INSERT INTO datasets (name, created_at) VALUES (@dataset, now()) ON CONFLICT (name) DO NOTHING";

    private const string InsertEndedSql = """
        INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, deadline, payload, payload_hash, created_at, started_at, finished_at)
        VALUES (@id, @dataset, @custom_id, 'dead_lettered', 1, @priority, @deadline, @payload::jsonb, @payload_hash, now(), now(), now())
        ON CONFLICT (id) DO NOTHING
        """;

    private const string HolderSql = """
        SELECT id FROM jobs WHERE dataset = @dataset AND custom_id = @custom_id AND status <> 'dead_lettered' LIMIT 1
        """;

    private const string PeekSql = """
        SELECT status, crashes, status = 'running' AND attempt_owner IS NOT NULL AND attempt_owner IS DISTINCT FROM @owner
        FROM jobs WHERE id = @id
        """;

    internal const string ReleaseSql = "UPDATE jobs SET attempt_owner = NULL WHERE id = @id AND attempt_owner = @owner";

    /// <summary>Marks a delivery of the job as started (creating the dataset and the job row if needed). Starts that
    /// concurrent deliveries ask for while one is being written are written together, in one round trip and one commit
    /// (<see cref="JobBeginGroups"/>); each caller gets its own job's answer.</summary>
    public Task<JobStart> BeginAsync(JobAdmission job, CancellationToken cancellationToken) => _begins.BeginAsync(job, cancellationToken);

    /// <summary>Marks a delivery of the job as started on its own: one round trip and one commit for this job alone
    /// (what <see cref="BeginAsync"/> does when no other start is being written). The same answers as
    /// <see cref="BeginAsync"/>; for callers that want no grouping (the naive baseline of <c>bench pipeline</c>).</summary>
    public Task<JobStart> BeginAloneAsync(JobAdmission job, CancellationToken cancellationToken) => BeginOneAsync(dataSource, job, cancellationToken);

    /// <summary>One start on its own (a lone start, or each start of a group that failed as a whole).</summary>
    internal static async Task<JobStart> BeginOneAsync(NpgsqlDataSource dataSource, JobAdmission job, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // One round trip: the dataset (if new) and the job upsert.
            await using (var batch = new NpgsqlBatch(connection))
            {
                var ds = new NpgsqlBatchCommand(InsertDatasetSql);
                ds.Parameters.AddWithValue("dataset", job.Dataset);
                batch.BatchCommands.Add(ds);
                var begin = new NpgsqlBatchCommand(BeginSql);
                AddJobParameters(begin.Parameters, job);
                begin.Parameters.Add(new NpgsqlParameter("owner", NpgsqlDbType.Varchar) { Value = (object?)job.AttemptOwner ?? DBNull.Value });
                batch.BatchCommands.Add(begin);
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var status = reader.GetString(0);
                    return new JobStart(JobStatus.IsTerminal(status) ? JobStartKind.AlreadyFinished : JobStartKind.Started, status,
                        reader.GetInt32(1), Crashes: reader.GetInt32(2));
                }
            }
            return await ConflictAsync(connection, job, cancellationToken).ConfigureAwait(false);
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
            await InsertEndedAsync(connection, job, cancellationToken).ConfigureAwait(false);
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

    /// <summary>The row holding the id did not take this delivery: a superseded copy, or another job.</summary>
    internal static async Task<JobStart> ConflictAsync(NpgsqlConnection connection, JobAdmission job, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(ConflictSql, connection);
        cmd.Parameters.AddWithValue("id", job.JobId);
        cmd.Parameters.AddWithValue("dataset", job.Dataset);
        cmd.Parameters.AddWithValue("custom_id", job.CustomId);
        cmd.Parameters.Add(new NpgsqlParameter("payload_hash", NpgsqlDbType.Varchar) { Value = (object?)job.PayloadHash ?? DBNull.Value });
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            throw new InvalidOperationException($"job {job.JobId}: the upsert returned no row but no row holds the id (deleted meanwhile?); the delivery is retried");
        var status = reader.GetString(0);
        var superseded = !reader.IsDBNull(1) && reader.GetBoolean(1);
        return new JobStart(superseded ? JobStartKind.Superseded : JobStartKind.IdentityConflict, status, 0);
    }

    /// <summary>The job's row before a delivery starts it; null when there is none.</summary>
    public async Task<JobPeek?> PeekAsync(string jobId, string? owner, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand(PeekSql);
        cmd.Parameters.AddWithValue("id", jobId);
        cmd.Parameters.Add(new NpgsqlParameter("owner", NpgsqlDbType.Varchar) { Value = (object?)owner ?? DBNull.Value });
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            return null;
        return new JobPeek(reader.GetString(0), reader.GetInt32(1), !reader.IsDBNull(2) && reader.GetBoolean(2));
    }

    /// <summary>Records that <paramref name="owner"/>'s delivery of the job ended without a crash (a transient fault, a
    /// shutdown hand-back): the next start does not count one.</summary>
    public async Task ReleaseAsync(string jobId, string owner, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand(ReleaseSql);
        cmd.Parameters.AddWithValue("id", jobId);
        cmd.Parameters.AddWithValue("owner", owner);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Registers a job that ends without running (a newcomer under a taken job id, a job whose identity fields
    /// cannot key a row) as <c>dead_lettered</c> under its own key, so its dataset counts and exports it. Does nothing
    /// when the key already has a row.</summary>
    public async Task RecordEndedAsync(JobAdmission job, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await InsertEndedAsync(connection, job, cancellationToken).ConfigureAwait(false);
    }

    private static async Task InsertEndedAsync(NpgsqlConnection connection, JobAdmission job, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        var ds = new NpgsqlBatchCommand(InsertDatasetSql);
        ds.Parameters.AddWithValue("dataset", job.Dataset);
        batch.BatchCommands.Add(ds);
        var insert = new NpgsqlBatchCommand(InsertEndedSql);
        AddJobParameters(insert.Parameters, job);
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
            INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, deadline, payload, payload_hash, created_at)
            SELECT t.id, t.dataset, t.custom_id, 'queued', 0, t.priority, t.deadline, t.payload::jsonb, t.payload_hash, now()
            FROM unnest(@id, @dataset, @custom_id, @priority, @deadline, @payload, @payload_hash)
                 AS t(id, dataset, custom_id, priority, deadline, payload, payload_hash)
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
        cmd.Parameters.Add(new NpgsqlParameter("payload_hash", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = jobs.Select(j => j.PayloadHash).ToArray() });
        var added = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return added;
    }

    internal static NpgsqlParameter Texts(string name, IEnumerable<string> values)
        => new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() };

    private static void AddJobParameters(NpgsqlParameterCollection parameters, JobAdmission job)
    {
        parameters.AddWithValue("id", job.JobId);
        parameters.AddWithValue("dataset", job.Dataset);
        parameters.AddWithValue("custom_id", job.CustomId);
        parameters.AddWithValue("priority", job.Priority);
        parameters.Add(new NpgsqlParameter("deadline", NpgsqlDbType.TimestampTz) { Value = job.Deadline is { } d ? d.UtcDateTime : DBNull.Value });
        parameters.AddWithValue("payload", Writing.PgText.CleanJson(job.PayloadJson));
        parameters.Add(new NpgsqlParameter("payload_hash", NpgsqlDbType.Varchar) { Value = (object?)job.PayloadHash ?? DBNull.Value });
    }
}
