using InternS1.Batch.Storage.Writing;
using Npgsql;

namespace InternS1.Batch.Storage.Ledger;

/// <summary>Reads the state of one job for the error-queue recorder, which must never end a job that is not
/// running here, nor one that has a result. Transient database errors are thrown to the caller.</summary>
public sealed class JobStateReader(NpgsqlDataSource dataSource)
{
    private const string Sql = """
        SELECT j.status,
               EXISTS (SELECT 1 FROM results r WHERE r.job_id = j.id),
               coalesce(j.payload = @payload::jsonb, false)
        FROM jobs j
        WHERE j.id = @id
        """;

    /// <summary>The job's state, or null when <c>jobs</c> has no row for <paramref name="jobId"/>;
    /// <paramref name="payloadJson"/> (optional) is compared with the stored payload.</summary>
    public async Task<JobState?> FindAsync(string jobId, string? payloadJson, CancellationToken cancellationToken)
    {
        try
        {
            return await QueryAsync(jobId, payloadJson is null ? null : PgText.CleanJson(payloadJson), cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (payloadJson is not null && ex.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            // The JSON is not storable as jsonb (so it cannot equal a stored payload): compare nothing.
            return await QueryAsync(jobId, null, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<JobState?> QueryAsync(string jobId, string? payloadJson, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand(Sql);
        cmd.Parameters.AddWithValue("id", jobId);
        cmd.Parameters.Add(new NpgsqlParameter("payload", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)payloadJson ?? DBNull.Value });
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            return null;
        return new JobState(reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2));
    }
}
