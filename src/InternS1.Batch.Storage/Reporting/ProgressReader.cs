using Npgsql;

namespace InternS1.Batch.Storage.Reporting;

/// <summary>Reads the <c>dataset_progress</c> view.</summary>
public sealed class ProgressReader(NpgsqlDataSource dataSource)
{
    /// <summary>All datasets (by name), or the one named.</summary>
    public async Task<IReadOnlyList<DatasetProgress>> ReadAsync(string? dataset, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT dataset, total, succeeded, failed, dead_lettered, pending, queued, running, created_at, last_finished_at
            FROM dataset_progress WHERE @dataset::text IS NULL OR dataset = @dataset::text ORDER BY dataset
            """);
        cmd.Parameters.AddWithValue("dataset", (object?)dataset ?? DBNull.Value);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<DatasetProgress>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new DatasetProgress
            {
                Dataset = reader.GetString(0),
                Total = reader.GetInt64(1),
                Succeeded = reader.GetInt64(2),
                Failed = reader.GetInt64(3),
                DeadLettered = reader.GetInt64(4),
                Pending = reader.GetInt64(5),
                Queued = reader.GetInt64(6),
                Running = reader.GetInt64(7),
                CreatedAt = reader.GetDateTime(8),
                LastFinishedAt = reader.IsDBNull(9) ? null : reader.GetDateTime(9),
            });
        }
        return rows;
    }
}
