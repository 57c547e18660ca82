namespace InternS1.Batch.Storage.Entities;

/// <summary>A row of <c>token_usage</c>: token accounting and timings of one succeeded job.
/// <c>prompt_tokens</c> includes the image and video placeholder tokens; <c>cached_tokens</c> is the
/// part served from the prefix cache; <c>reasoning_tokens</c> is the part of
/// <c>completion_tokens</c> inside the think block. The local engine counts everything exactly and leaves
/// <see cref="ReportedFields"/> null; a remote server's counts are stored as it reported them, a count it did
/// not report is NULL, and <see cref="ReportedFields"/> lists what it did report.</summary>
public sealed class TokenUsage
{
    public required string JobId { get; set; }

    public int PromptTokens { get; set; }
    public int ImageTokens { get; set; }
    public int VideoTokens { get; set; }
    /// <summary>NULL when a remote server did not report it.</summary>
    public int? CachedTokens { get; set; }
    public int CompletionTokens { get; set; }

    /// <summary>NULL when a remote server did not report it.</summary>
    public int? ReasoningTokens { get; set; }

    /// <summary>The response fields a remote server sent (<c>usage.prompt_tokens</c>, <c>delta.reasoning</c>, ...);
    /// NULL for rows of the local engine.</summary>
    public string[]? ReportedFields { get; set; }

    /// <summary>Time between admission to the engine and the first scheduled step.</summary>
    public double QueueMs { get; set; }
    public double PrefillMs { get; set; }
    public double DecodeMs { get; set; }

    public DateTime CreatedAt { get; set; }
}
