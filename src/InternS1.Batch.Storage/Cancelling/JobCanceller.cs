using Npgsql;

namespace InternS1.Batch.Storage.Cancelling;

/// <summary>
/// Moves unfinished jobs to <c>cancelled</c>: the dataset's (or one job's) <c>queued</c> and <c>running</c>
/// jobs in one transaction, together with the <c>cancellations</c> row that records who asked and when.
/// A job with a result is never touched, and a repeat changes nothing (idempotent). The job rows are locked
/// in id order, as the <see cref="Writing.ResultWriter"/> locks them before it writes a result, so a result
/// and a cancel of the same job serialise: whichever commits first wins, and the other leaves the job alone.
/// </summary>
public sealed class JobCanceller(NpgsqlDataSource dataSource)
{
    private const string CancelSql = """
        WITH target AS (
            SELECT j.id FROM jobs j
            WHERE {0} AND j.status IN ('queued', 'running')
              AND NOT EXISTS (SELECT 1 FROM results r WHERE r.job_id = j.id)
            ORDER BY j.id
            FOR UPDATE
        ), moved AS (
            UPDATE jobs j SET status = 'cancelled', finished_at = now()
            FROM target t WHERE j.id = t.id
            RETURNING j.id
        )
        INSERT INTO cancellations (dataset, job_id, requested_by, requested_at, jobs_cancelled)
        SELECT @dataset, @job_id, @requested_by, now(), (SELECT count(*) FROM moved)
        RETURNING id, requested_at, jobs_cancelled
        """;

    private const string CountSql = """
        SELECT count(*) FILTER (WHERE j.status = 'cancelled'),
               count(*) FILTER (WHERE j.status NOT IN ('queued', 'running', 'cancelled'))
        FROM jobs j WHERE {0}
        """;

    private const string DatasetExistsSql = "SELECT EXISTS (SELECT 1 FROM datasets WHERE name = @dataset)";
    private const string JobExistsSql = "SELECT EXISTS (SELECT 1 FROM jobs WHERE id = @job_id)";

    private const string MarkOneSql = """
        UPDATE jobs SET status = 'cancelled', finished_at = now()
        WHERE id = @job_id AND status IN ('queued', 'running')
          AND NOT EXISTS (SELECT 1 FROM results r WHERE r.job_id = @job_id)
        """;

    /// <summary>Cancels what <paramref name="request"/> names. Returns <see cref="CancelOutcome.NotFound"/> when the
    /// dataset or job is not in the database.</summary>
    public async Task<CancelOutcome> CancelAsync(CancelRequest request, CancellationToken ct)
    {
        if ((request.Dataset is null) == (request.JobId is null))
            throw new ArgumentException("Exactly one of Dataset and JobId must be set.", nameof(request));
        var where = request.Dataset is not null ? "j.dataset = @dataset" : "j.id = @job_id";

        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand(request.Dataset is not null ? DatasetExistsSql : JobExistsSql, connection, tx))
        {
            AddTarget(exists, request);
            if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not true)
                return CancelOutcome.NotFound;
        }

        long id;
        DateTime at;
        int moved;
        await using (var cancel = new NpgsqlCommand(string.Format(CancelSql, where), connection, tx))
        {
            AddTarget(cancel, request);
            cancel.Parameters.AddWithValue("requested_by", request.RequestedBy);
            await using var reader = await cancel.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            (id, at, moved) = (reader.GetInt64(0), reader.GetDateTime(1), reader.GetInt32(2));
        }

        long cancelled, ended;
        await using (var count = new NpgsqlCommand(string.Format(CountSql, where), connection, tx))
        {
            AddTarget(count, request);
            await using var reader = await count.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            (cancelled, ended) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new CancelOutcome(true, id, at, moved, (int)cancelled - moved, (int)ended);
    }

    /// <summary>Marks one job cancelled if it has not ended (the worker, after aborting a job named by a
    /// <c>CancelJobs</c> broadcast that began after the cancel's transaction). True if it changed.</summary>
    public async Task<bool> MarkCancelledAsync(string jobId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(MarkOneSql, connection);
        cmd.Parameters.AddWithValue("job_id", jobId);
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    private static void AddTarget(NpgsqlCommand cmd, CancelRequest request)
    {
        cmd.Parameters.Add(new NpgsqlParameter("dataset", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)request.Dataset ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("job_id", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)request.JobId ?? DBNull.Value });
    }
}
