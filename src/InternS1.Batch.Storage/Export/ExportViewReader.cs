using System.Runtime.CompilerServices;
using Npgsql;

namespace InternS1.Batch.Storage.Export;

/// <summary>
/// Streams the ended jobs of a dataset from the <c>job_outputs</c> view, in the order and shape of
/// <see cref="ExportReader"/> (submission order; result and usage, open dead letter, or the cancel). For clients
/// that may read views only: the dashboard's download of <c>interns1 export</c> output, with the read-only role.
/// </summary>
public sealed class ExportViewReader(NpgsqlDataSource dataSource)
{
    private const string Sql = """
        SELECT job_id, custom_id, status, content, reasoning_content, tool_calls_json, finish_reason, model, seed, completed_at,
               prompt_tokens, image_tokens, video_tokens, cached_tokens, completion_tokens, reasoning_tokens,
               reason_code, error_message, cancelled_by, cancelled_at
        FROM job_outputs WHERE dataset = @dataset
        ORDER BY created_at, custom_id
        """;

    /// <summary>Every ended job of <paramref name="dataset"/>, oldest first.</summary>
    public async IAsyncEnumerable<ExportRow> ReadAsync(string dataset, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(Sql, connection);
        cmd.Parameters.AddWithValue("dataset", dataset);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            yield return new ExportRow
            {
                JobId = reader.GetString(0),
                CustomId = reader.GetString(1),
                Status = reader.GetString(2),
                Content = Text(reader, 3),
                ReasoningContent = Text(reader, 4),
                ToolCallsJson = Text(reader, 5),
                FinishReason = Text(reader, 6),
                Model = Text(reader, 7),
                Seed = reader.GetInt64(8),
                CompletedAt = reader.IsDBNull(9) ? null : reader.GetDateTime(9),
                PromptTokens = reader.GetInt32(10),
                ImageTokens = reader.GetInt32(11),
                VideoTokens = reader.GetInt32(12),
                CachedTokens = reader.IsDBNull(13) ? null : reader.GetInt32(13),
                CompletionTokens = reader.GetInt32(14),
                ReasoningTokens = reader.IsDBNull(15) ? null : reader.GetInt32(15),
                ReasonCode = Text(reader, 16),
                ErrorMessage = Text(reader, 17),
                CancelledBy = Text(reader, 18),
                CancelledAt = reader.IsDBNull(19) ? null : reader.GetDateTime(19),
            };
        }
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
