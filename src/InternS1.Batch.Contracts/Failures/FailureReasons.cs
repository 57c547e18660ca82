namespace InternS1.Batch.Contracts.Failures;

/// <summary>
/// Stable reason codes of dead letters (<c>dead_letters.reason_code</c>). Codes are never renamed.
/// Bad input is dead-lettered at once (not retried); transient faults are retried and end as
/// <see cref="RetriesExhausted"/> when attempts run out.
/// </summary>
public static class FailureReasons
{
    /// <summary>The message could not be read as a job (not JSON, wrong shape).</summary>
    public const string MalformedMessage = "malformed_message";
    /// <summary>A required field is missing or has an invalid value (message names the field).</summary>
    public const string InvalidField = "invalid_field";
    /// <summary>A content part has an unknown type or an unsupported source.</summary>
    public const string UnsupportedContent = "unsupported_content";
    /// <summary>A sampling value is out of range (e.g. top_p 0 or 1.5, max_new_tokens &lt;= 0).</summary>
    public const string InvalidSampling = "invalid_sampling";
    /// <summary>Another job of the dataset already has this custom_id.</summary>
    public const string DuplicateCustomId = "duplicate_custom_id";
    /// <summary>The job_id already belongs to another job (another dataset, custom_id or content): the newcomer is
    /// recorded under a key of its own (<c>dup:{job_id}:{hash}</c>) and never runs as the other job.</summary>
    public const string DuplicateJobId = "duplicate_job_id";
    /// <summary>The prompt (with media tokens) does not fit the model context or the KV cache.</summary>
    public const string PromptTooLong = "prompt_too_long";
    /// <summary>The chat template refused the conversation (raise_exception) or failed to render.</summary>
    public const string TemplateError = "template_error";
    /// <summary>Media bytes could not be decoded or found.</summary>
    public const string MediaUnreadable = "media_unreadable";
    /// <summary>Media over a configured size, pixel or duration limit.</summary>
    public const string MediaTooLarge = "media_too_large";
    /// <summary>Media source refused by policy (path outside the media root, scheme, private address).</summary>
    public const string MediaForbidden = "media_forbidden";
    /// <summary>Media download or decoding took longer than allowed.</summary>
    public const string MediaTimeout = "media_timeout";
    /// <summary>The job's deadline passed before it could start.</summary>
    public const string DeadlineExpired = "deadline_expired";
    /// <summary>The engine failed on this request only (e.g. a numerical error).</summary>
    public const string EngineError = "engine_error";
    /// <summary>A remote engine server refused the request as given (HTTP 400, 404, 413, 422: e.g. the prompt is
    /// longer than its context, or the model name is unknown); the message carries the server's own text.</summary>
    public const string EngineRejected = "engine_rejected";
    /// <summary>A transient fault persisted past the retry limit.</summary>
    public const string RetriesExhausted = "retries_exhausted";

    /// <summary>Every code, for validation and documentation.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        MalformedMessage, InvalidField, UnsupportedContent, InvalidSampling, DuplicateCustomId, DuplicateJobId,
        PromptTooLong, TemplateError, MediaUnreadable, MediaTooLarge, MediaForbidden, MediaTimeout,
        DeadlineExpired, EngineError, EngineRejected, RetriesExhausted,
    ];
}
