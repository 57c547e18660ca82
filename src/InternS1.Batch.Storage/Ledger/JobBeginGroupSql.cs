using InternS1.Batch.Storage.Entities;
using Npgsql;
using NpgsqlTypes;

namespace InternS1.Batch.Storage.Ledger;

/// <summary>The SQL of one group of starts (<see cref="JobBeginGroups"/>): the datasets and one set-based upsert of the
/// job rows (arrays + <c>unnest</c>, in id order, as the result writer and the canceller lock rows), in one round trip
/// and one implicit transaction, deciding each row exactly as the single start does (the same <c>ON CONFLICT</c>
/// clause, <see cref="JobLedger.BeginConflictSql"/>). A row the upsert leaves alone (its id held by another job, or
/// superseded) is then told apart as the single start does.</summary>
internal static class JobBeginGroupSql
{
    private const string InsertDatasets = """
        INSERT INTO datasets (name, created_at) SELECT DISTINCT d, now() FROM unnest(@dataset) AS d ORDER BY d
        ON CONFLICT (name) DO NOTHING
        """;

    private static readonly string Upsert = $"""
        INSERT INTO jobs (id, dataset, custom_id, status, attempts, crashes, attempt_owner, priority, deadline, payload, payload_hash, created_at, started_at)
        SELECT t.id, t.dataset, t.custom_id, 'running', 1, 0, t.owner, t.priority, t.deadline, t.payload::jsonb, t.payload_hash, now(), now()
        FROM unnest(@id, @dataset, @custom_id, @owner, @priority, @deadline, @payload, @payload_hash)
             AS t(id, dataset, custom_id, owner, priority, deadline, payload, payload_hash)
        ORDER BY t.id
        {JobLedger.BeginConflictSql}
        RETURNING id, status, attempts, crashes
        """;

    /// <summary>Starts every job of <paramref name="jobs"/> (distinct ids); the answers in the same order. Throws what the
    /// database throws (a custom_id taken by another job fails the whole group: the caller then starts them one by one).</summary>
    public static async Task<JobStart[]> BeginAsync(NpgsqlDataSource dataSource, IReadOnlyList<JobAdmission> jobs, CancellationToken ct)
    {
        var answers = new Dictionary<string, JobStart>(jobs.Count, StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (var batch = new NpgsqlBatch(connection))
        {
            var datasets = new NpgsqlBatchCommand(InsertDatasets);
            datasets.Parameters.Add(JobLedger.Texts("dataset", jobs.Select(j => j.Dataset)));
            batch.BatchCommands.Add(datasets);
            var upsert = new NpgsqlBatchCommand(Upsert);
            upsert.Parameters.Add(JobLedger.Texts("id", jobs.Select(j => j.JobId)));
            upsert.Parameters.Add(JobLedger.Texts("dataset", jobs.Select(j => j.Dataset)));
            upsert.Parameters.Add(JobLedger.Texts("custom_id", jobs.Select(j => j.CustomId)));
            upsert.Parameters.Add(new NpgsqlParameter("owner", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = jobs.Select(j => j.AttemptOwner).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter<int[]>("priority", jobs.Select(j => j.Priority).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter("deadline", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
            {
                Value = jobs.Select(j => j.Deadline is { } d ? (DateTime?)d.UtcDateTime : null).ToArray(),
            });
            upsert.Parameters.Add(JobLedger.Texts("payload", jobs.Select(j => Writing.PgText.CleanJson(j.PayloadJson))));
            upsert.Parameters.Add(new NpgsqlParameter("payload_hash", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = jobs.Select(j => j.PayloadHash).ToArray() });
            batch.BatchCommands.Add(upsert);
            await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var status = reader.GetString(1);
                answers[reader.GetString(0)] = new JobStart(JobStatus.IsTerminal(status) ? JobStartKind.AlreadyFinished : JobStartKind.Started,
                    status, reader.GetInt32(2), Crashes: reader.GetInt32(3));
            }
        }
        var starts = new JobStart[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            starts[i] = answers.TryGetValue(jobs[i].JobId, out var start)
                ? start
                : await JobLedger.ConflictAsync(connection, jobs[i], ct).ConfigureAwait(false);
        }
        return starts;
    }
}
