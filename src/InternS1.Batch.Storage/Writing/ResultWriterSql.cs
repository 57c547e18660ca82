using InternS1.Batch.Storage.Entities;
using Npgsql;
using NpgsqlTypes;

namespace InternS1.Batch.Storage.Writing;

/// <summary>The SQL of one group commit: a handful of set-based statements (arrays + <c>unnest</c>)
/// in one transaction and one round trip, whatever the group size. The group's job rows are locked first (in id order, as
/// <see cref="Cancelling.JobCanceller"/> locks them), so a cancel and a result of the same job serialise:
/// a job cancelled before the write gets neither a result nor a dead letter, and keeps <c>cancelled</c>.</summary>
internal static class ResultWriterSql
{
    private const string LockJobs = "SELECT count(*) FROM (SELECT id FROM jobs WHERE id = ANY(@job_id) ORDER BY id FOR UPDATE) locked";

    // NOTE: a record carrying the content hash of the delivery that computed it is written only while the job row has
    // that hash (or none): a result computed for a job whose prompt was superseded meanwhile, or for another job under
    // the same id, never lands in the row.
    private const string SameContent = """
        NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = t.job_id AND j.payload_hash IS NOT NULL AND t.payload_hash IS NOT NULL
                    AND j.payload_hash <> t.payload_hash)
        """;

    private const string InsertResults = $"""
        INSERT INTO results (job_id, content, reasoning_content, tool_calls, finish_reason, model, seed, thinking_ignored,
                             structured_valid, structured_error, created_at)
        SELECT t.job_id, t.content, t.reasoning_content, t.tool_calls::jsonb, t.finish_reason, t.model, t.seed, t.thinking_ignored,
               t.structured_valid, t.structured_error, now()
        FROM unnest(@job_id, @content, @reasoning_content, @tool_calls, @finish_reason, @model, @seed, @thinking_ignored, @payload_hash,
                    @structured_valid, @structured_error)
             AS t(job_id, content, reasoning_content, tool_calls, finish_reason, model, seed, thinking_ignored, payload_hash,
                  structured_valid, structured_error)
        WHERE {SameContent}
          AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = t.job_id AND j.status = 'cancelled')
        ON CONFLICT (job_id) DO NOTHING
        RETURNING 'r:' || job_id
        """;

    // NOTE: unnest flattens a two-dimensional array, so each row's reported fields travel as one text
    // (space-separated JSON paths, NULL for the local engine) and become a text[] here.
    private const string InsertUsage = """
        INSERT INTO token_usage (job_id, prompt_tokens, image_tokens, video_tokens, cached_tokens, completion_tokens,
                                 reasoning_tokens, queue_ms, prefill_ms, decode_ms, reported_fields, created_at)
        SELECT t.job_id, t.prompt, t.image, t.video, t.cached, t.completion, t.reasoning, t.queue_ms, t.prefill_ms, t.decode_ms,
               CASE WHEN t.reported IS NULL THEN NULL ELSE string_to_array(t.reported, ' ') END, now()
        FROM unnest(@job_id, @prompt, @image, @video, @cached, @completion, @reasoning, @queue_ms, @prefill_ms, @decode_ms, @reported)
             AS t(job_id, prompt, image, video, cached, completion, reasoning, queue_ms, prefill_ms, decode_ms, reported)
        WHERE EXISTS (SELECT 1 FROM results r WHERE r.job_id = t.job_id)
        ON CONFLICT (job_id) DO NOTHING
        """;

    private const string MarkSucceeded = """
        UPDATE jobs SET status = 'succeeded', finished_at = now()
        WHERE id = ANY(@job_id) AND status NOT IN ('succeeded', 'cancelled') AND EXISTS (SELECT 1 FROM results r WHERE r.job_id = jobs.id)
        """;

    private static readonly string InsertDeadLetters = $"""
        INSERT INTO dead_letters (job_id, dataset, custom_id, reason_code, message, exception, payload, attempts, source, created_at)
        SELECT t.job_id, t.dataset, t.custom_id, t.reason_code, t.message, t.exception, t.payload::jsonb, t.attempts, t.source, now()
        FROM unnest(@job_id, @dataset, @custom_id, @reason_code, @message, @exception, @payload, @attempts, @source, @payload_hash)
             AS t(job_id, dataset, custom_id, reason_code, message, exception, payload, attempts, source, payload_hash)
        WHERE NOT EXISTS (SELECT 1 FROM results r WHERE r.job_id = t.job_id) AND {SameContent}
          AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = t.job_id AND j.status = 'cancelled')
        ON CONFLICT (job_id) WHERE requeued_at IS NULL DO NOTHING
        RETURNING 'd:' || job_id
        """;

    private const string MarkDeadLettered = """
        UPDATE jobs j SET status = t.status, finished_at = now()
        FROM unnest(@job_id, @status) AS t(id, status)
        WHERE j.id = t.id AND j.status NOT IN ('succeeded', 'cancelled')
          AND EXISTS (SELECT 1 FROM dead_letters d WHERE d.job_id = t.id AND d.requeued_at IS NULL)
        """;

    public static async Task<HashSet<string>> WriteGroupAsync(NpgsqlDataSource dataSource, IReadOnlyList<ResultWriter.PendingWrite> group, CancellationToken ct)
    {
        var results = group.Where(w => w.Result is not null).Select(w => w.Result!).ToArray();
        var deadLetters = group.Where(w => w.DeadLetter is not null).Select(w => w.DeadLetter!).ToArray();

        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        // NOTE: one batch without an explicit transaction runs as one implicit transaction (all its statements commit
        // together or none does) and costs one round trip instead of five (BEGIN, lock, results, usage + marks, COMMIT).
        await using var batch = new NpgsqlBatch(connection);
        var lockJobs = new NpgsqlBatchCommand(LockJobs);
        Add(lockJobs, "job_id", results.Select(r => r.JobId).Concat(deadLetters.Select(d => d.JobId)).Distinct().ToArray());
        batch.BatchCommands.Add(lockJobs);
        if (results.Length > 0)
            AddResults(batch, results);
        if (deadLetters.Length > 0)
            AddDeadLetters(batch, deadLetters);

        // The lock's count is a bigint; the inserts return their keys ("r:" / "d:" + job id) as text.
        var inserted = new HashSet<string>();
        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        do
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                if (reader.GetFieldType(0) == typeof(string))
                    inserted.Add(reader.GetString(0));
            }
        }
        while (await reader.NextResultAsync(ct).ConfigureAwait(false));
        return inserted;
    }

    private static void AddResults(NpgsqlBatch batch, ResultRecord[] results)
    {
        var ids = results.Select(r => r.JobId).ToArray();
        var insert = new NpgsqlBatchCommand(InsertResults);
        Add(insert, "job_id", ids);
        Add(insert, "content", results.Select(r => r.Content).ToArray());
        Add(insert, "reasoning_content", results.Select(r => r.ReasoningContent).ToArray());
        Add(insert, "tool_calls", results.Select(r => r.ToolCallsJson).ToArray());
        Add(insert, "finish_reason", results.Select(r => r.FinishReason).ToArray());
        Add(insert, "model", results.Select(r => r.Model).ToArray());
        insert.Parameters.Add(new NpgsqlParameter<long[]>("seed", results.Select(r => r.Seed).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<bool[]>("thinking_ignored", results.Select(r => r.ThinkingIgnored).ToArray()));
        Add(insert, "payload_hash", results.Select(r => r.PayloadHash).ToArray());
        insert.Parameters.Add(new NpgsqlParameter("structured_valid", NpgsqlDbType.Array | NpgsqlDbType.Boolean)
        {
            Value = results.Select(r => r.StructuredValid).ToArray(),
        });
        Add(insert, "structured_error", results.Select(r => r.StructuredError).ToArray());
        batch.BatchCommands.Add(insert);

        var usage = new NpgsqlBatchCommand(InsertUsage);
        Add(usage, "job_id", ids);
        AddInts(usage, "prompt", results.Select(r => r.Usage.PromptTokens));
        AddInts(usage, "image", results.Select(r => r.Usage.ImageTokens));
        AddInts(usage, "video", results.Select(r => r.Usage.VideoTokens));
        AddNullableInts(usage, "cached", results.Select(r => r.Usage.CachedTokens));
        AddInts(usage, "completion", results.Select(r => r.Usage.CompletionTokens));
        AddNullableInts(usage, "reasoning", results.Select(r => r.Usage.ReasoningTokens));
        usage.Parameters.Add(new NpgsqlParameter<double[]>("queue_ms", results.Select(r => r.QueueMs).ToArray()));
        usage.Parameters.Add(new NpgsqlParameter<double[]>("prefill_ms", results.Select(r => r.PrefillMs).ToArray()));
        usage.Parameters.Add(new NpgsqlParameter<double[]>("decode_ms", results.Select(r => r.DecodeMs).ToArray()));
        Add(usage, "reported", results.Select(r => r.Usage.ReportedFields is { } f ? string.Join(' ', f) : null).ToArray());
        batch.BatchCommands.Add(usage);

        var mark = new NpgsqlBatchCommand(MarkSucceeded);
        Add(mark, "job_id", ids);
        batch.BatchCommands.Add(mark);
    }

    private static void AddDeadLetters(NpgsqlBatch batch, DeadLetterRecord[] deadLetters)
    {
        var ids = deadLetters.Select(d => d.JobId).ToArray();
        var insert = new NpgsqlBatchCommand(InsertDeadLetters);
        Add(insert, "job_id", ids);
        Add(insert, "dataset", deadLetters.Select(d => d.Dataset).ToArray());
        Add(insert, "custom_id", deadLetters.Select(d => d.CustomId).ToArray());
        Add(insert, "reason_code", deadLetters.Select(d => d.ReasonCode).ToArray());
        Add(insert, "message", deadLetters.Select(d => d.Message).ToArray());
        Add(insert, "exception", deadLetters.Select(d => d.Exception).ToArray());
        Add(insert, "payload", deadLetters.Select(d => d.PayloadJson).ToArray());
        AddInts(insert, "attempts", deadLetters.Select(d => d.Attempts));
        Add(insert, "source", deadLetters.Select(d => d.Source).ToArray());
        Add(insert, "payload_hash", deadLetters.Select(d => d.PayloadHash).ToArray());
        batch.BatchCommands.Add(insert);

        var mark = new NpgsqlBatchCommand(MarkDeadLettered);
        Add(mark, "job_id", ids);
        Add(mark, "status", deadLetters.Select(d => d.FinalStatus is JobStatus.Failed or JobStatus.Expired ? d.FinalStatus : JobStatus.DeadLettered).ToArray());
        batch.BatchCommands.Add(mark);
    }

    private static void Add(NpgsqlBatchCommand cmd, string name, string?[] values)
        => cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = Clean(name, values) });

    private static string?[] Clean(string name, string?[] values)
        => name is "payload" or "tool_calls"
            ? values.Select(v => v is null ? null : PgText.CleanJson(v)).ToArray()
            : values.Select(PgText.Clean).ToArray();

    private static void AddInts(NpgsqlBatchCommand cmd, string name, IEnumerable<int> values)
        => cmd.Parameters.Add(new NpgsqlParameter<int[]>(name, values.ToArray()));

    private static void AddNullableInts(NpgsqlBatchCommand cmd, string name, IEnumerable<int?> values)
        => cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = values.ToArray() });
}
