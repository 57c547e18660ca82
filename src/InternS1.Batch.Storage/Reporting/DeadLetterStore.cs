using System.Text.Json.Nodes;
using InternS1.Batch.Storage.Entities;
using Npgsql;

namespace InternS1.Batch.Storage.Reporting;

/// <summary>Lists open dead letters and requeues them (the loop back from <c>dead_letters</c> to the queue).</summary>
public sealed class DeadLetterStore(NpgsqlDataSource dataSource)
{
    /// <summary>Open dead letters (not requeued), oldest first, optionally of one dataset and/or reason.</summary>
    public async Task<IReadOnlyList<DeadLetterRow>> ListAsync(string? dataset, string? reason, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, job_id, dataset, custom_id, reason_code, message, attempts, source, created_at, payload::text
            FROM dead_letters
            WHERE requeued_at IS NULL AND (@dataset::text IS NULL OR dataset = @dataset::text) AND (@reason::text IS NULL OR reason_code = @reason::text)
            ORDER BY id
            """);
        cmd.Parameters.AddWithValue("dataset", (object?)dataset ?? DBNull.Value);
        cmd.Parameters.AddWithValue("reason", (object?)reason ?? DBNull.Value);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<DeadLetterRow>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new DeadLetterRow
            {
                Id = reader.GetInt64(0), JobId = reader.GetString(1),
                Dataset = reader.IsDBNull(2) ? null : reader.GetString(2), CustomId = reader.IsDBNull(3) ? null : reader.GetString(3),
                ReasonCode = reader.GetString(4), Message = reader.GetString(5), Attempts = reader.GetInt32(6),
                Source = reader.GetString(7), CreatedAt = reader.GetDateTime(8), Payload = reader.GetString(9),
            });
        }
        return rows;
    }

    /// <summary>
    /// Requeues the open dead letters that hold a job (a JSON object with a <c>job_id</c>): marks the dead
    /// letter requeued and the job <c>queued</c> in one transaction, then publishes the job with <paramref name="publish"/> (job id, job JSON).
    /// If the publish fails, the marks are undone. Returns (requeued, skipped with the reason).
    /// </summary>
    public async Task<(int Requeued, IReadOnlyList<string> Skipped)> RequeueAsync(string? dataset, string? reason, Func<string, string, CancellationToken, Task> publish, CancellationToken ct)
    {
        var rows = await ListAsync(dataset, reason, ct);
        var skipped = new List<string>();
        var requeued = 0;
        foreach (var row in rows)
        {
            if (JsonNode.Parse(row.Payload) is not JsonObject job || job["job_id"]?.GetValueKind() != System.Text.Json.JsonValueKind.String
                || row.JobId.StartsWith("message:", StringComparison.Ordinal))
            {
                skipped.Add($"{row.JobId}: the message could not be read as a job, so it cannot be requeued");
                continue;
            }
            await MarkAsync(row, requeue: true, ct);
            try
            {
                await publish(row.JobId, job.ToJsonString(), ct);
                requeued++;
            }
            catch
            {
                await MarkAsync(row, requeue: false, ct);
                throw;
            }
        }
        return (requeued, skipped);
    }

    private async Task MarkAsync(DeadLetterRow row, bool requeue, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var dl = new NpgsqlCommand(requeue
            ? "UPDATE dead_letters SET requeued_at = now() WHERE id = @id"
            : "UPDATE dead_letters SET requeued_at = NULL WHERE id = @id", connection, tx))
        {
            dl.Parameters.AddWithValue("id", row.Id);
            await dl.ExecuteNonQueryAsync(ct);
        }
        await using (var job = new NpgsqlCommand(requeue
            ? $"UPDATE jobs SET status = '{JobStatus.Queued}', finished_at = NULL WHERE id = @job_id AND status <> '{JobStatus.Succeeded}'"
            : "UPDATE jobs j SET status = @status, finished_at = now() WHERE id = @job_id AND status = 'queued'", connection, tx))
        {
            job.Parameters.AddWithValue("job_id", row.JobId);
            if (!requeue)
                job.Parameters.AddWithValue("status", FailureStatus.For(row.ReasonCode));
            await job.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}
