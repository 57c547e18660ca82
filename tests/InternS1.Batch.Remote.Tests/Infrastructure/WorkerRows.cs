using InternS1.Batch.Tests.Infrastructure;

namespace InternS1.Batch.Remote.Tests.Infrastructure;

/// <summary>Reads what the worker stored, for assertions against hand-computed rows.</summary>
public static class WorkerRows
{
    /// <summary>One job's <c>results</c> row joined with its <c>token_usage</c> row.</summary>
    public sealed record ResultRow(
        string JobId, string Content, string? Reasoning, string ToolCalls, string FinishReason, string Model, long Seed, bool ThinkingIgnored,
        int Prompt, int Image, int Video, int? Cached, int Completion, int? ReasoningTokens, string? ReportedFields);

    public static async Task<List<ResultRow>> ResultsAsync(string connectionString)
    {
        var rows = await Database.RowsAsync(connectionString, """
            SELECT r.job_id, r.content, r.reasoning_content, r.tool_calls::text, r.finish_reason, r.model, r.seed, r.thinking_ignored,
                   u.prompt_tokens, u.image_tokens, u.video_tokens, u.cached_tokens, u.completion_tokens, u.reasoning_tokens,
                   array_to_string(u.reported_fields, ' ')
            FROM results r JOIN token_usage u ON u.job_id = r.job_id ORDER BY r.job_id
            """);
        return rows.Select(r => new ResultRow((string)r[0]!, (string)r[1]!, (string?)r[2], (string)r[3]!, (string)r[4]!, (string)r[5]!, (long)r[6]!,
            (bool)r[7]!, (int)r[8]!, (int)r[9]!, (int)r[10]!, (int?)r[11], (int)r[12]!, (int?)r[13], (string?)r[14])).ToList();
    }

    /// <summary>Open dead letters: job id -> (reason code, message).</summary>
    public static async Task<Dictionary<string, (string Reason, string Message)>> DeadLettersAsync(string connectionString)
        => (await Database.RowsAsync(connectionString, "SELECT job_id, reason_code, message FROM dead_letters WHERE requeued_at IS NULL"))
            .ToDictionary(r => (string)r[0]!, r => ((string)r[1]!, (string)r[2]!));

    /// <summary>Jobs that have ended (a result or an open dead letter).</summary>
    public static async Task<long> EndedAsync(string connectionString)
        => await Database.CountAsync(connectionString, "SELECT count(*) FROM results")
           + await Database.CountAsync(connectionString, "SELECT count(*) FROM dead_letters WHERE requeued_at IS NULL");

    /// <summary>Waits until <paramref name="count"/> jobs have ended.</summary>
    public static Task WaitForEndedAsync(string connectionString, long count, TimeSpan timeout, Func<string>? context = null)
        => TestServices.WaitUntilAsync(async () => await EndedAsync(connectionString) >= count, timeout,
            async () => $"{await EndedAsync(connectionString)} of {count} jobs ended. {context?.Invoke()}");
}
