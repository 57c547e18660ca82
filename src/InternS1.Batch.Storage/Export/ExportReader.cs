using InternS1.Batch.Storage.Entities;
using Npgsql;

namespace InternS1.Batch.Storage.Export;

/// <summary>Streams the finished jobs of a dataset in submission order, with their result or dead letter.</summary>
public sealed class ExportReader(NpgsqlDataSource dataSource)
{
    public async IAsyncEnumerable<ExportRow> ReadAsync(string dataset, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT j.id, j.custom_id, j.status, r.content, r.reasoning_content, r.tool_calls::text, r.finish_reason, r.model,
                   coalesce(r.seed, 0), r.created_at,
                   coalesce(u.prompt_tokens, 0), coalesce(u.image_tokens, 0), coalesce(u.video_tokens, 0), coalesce(u.cached_tokens, 0),
                   coalesce(u.completion_tokens, 0), coalesce(u.reasoning_tokens, 0),
                   d.reason_code, d.message
            FROM jobs j
            LEFT JOIN results r ON r.job_id = j.id
            LEFT JOIN token_usage u ON u.job_id = j.id
            LEFT JOIN dead_letters d ON d.job_id = j.id AND d.requeued_at IS NULL
            WHERE j.dataset = @dataset AND j.status NOT IN ('{JobStatus.Queued}', '{JobStatus.Running}')
            ORDER BY j.created_at, j.custom_id
            """);
        cmd.Parameters.AddWithValue("dataset", dataset);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new ExportRow
            {
                JobId = reader.GetString(0),
                CustomId = reader.GetString(1),
                Status = reader.GetString(2),
                Content = reader.IsDBNull(3) ? null : reader.GetString(3),
                ReasoningContent = reader.IsDBNull(4) ? null : reader.GetString(4),
                ToolCallsJson = reader.IsDBNull(5) ? null : reader.GetString(5),
                FinishReason = reader.IsDBNull(6) ? null : reader.GetString(6),
                Model = reader.IsDBNull(7) ? null : reader.GetString(7),
                Seed = reader.GetInt64(8),
                CompletedAt = reader.IsDBNull(9) ? null : reader.GetDateTime(9),
                PromptTokens = reader.GetInt32(10),
                ImageTokens = reader.GetInt32(11),
                VideoTokens = reader.GetInt32(12),
                CachedTokens = reader.GetInt32(13),
                CompletionTokens = reader.GetInt32(14),
                ReasoningTokens = reader.GetInt32(15),
                ReasonCode = reader.IsDBNull(16) ? null : reader.GetString(16),
                ErrorMessage = reader.IsDBNull(17) ? null : reader.GetString(17),
            };
        }
    }

    /// <summary>Jobs of the dataset that have not ended yet.</summary>
    public async Task<long> CountPendingAsync(string dataset, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT count(*) FROM jobs WHERE dataset = @dataset AND status IN ('{JobStatus.Queued}', '{JobStatus.Running}')");
        cmd.Parameters.AddWithValue("dataset", dataset);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
