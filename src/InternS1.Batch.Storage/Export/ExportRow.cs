namespace InternS1.Batch.Storage.Export;

/// <summary>One finished job as read for export: its result and usage, its open dead letter, or who cancelled it.</summary>
public sealed record ExportRow
{
    public required string JobId { get; init; }
    public required string CustomId { get; init; }
    public required string Status { get; init; }
    public string? Content { get; init; }
    public string? ReasoningContent { get; init; }
    public string? ToolCallsJson { get; init; }
    public string? FinishReason { get; init; }
    public string? Model { get; init; }
    public long Seed { get; init; }
    public DateTime? CompletedAt { get; init; }
    public bool? StructuredValid { get; init; }
    public string? StructuredError { get; init; }
    public int PromptTokens { get; init; }
    public int ImageTokens { get; init; }
    public int VideoTokens { get; init; }
    /// <summary>Null when the remote server did not report it (the export leaves the field out).</summary>
    public int? CachedTokens { get; init; }
    public int CompletionTokens { get; init; }

    /// <summary>Null when the remote server did not report it (the export leaves the field out).</summary>
    public int? ReasoningTokens { get; init; }
    public string? ReasonCode { get; init; }
    public string? ErrorMessage { get; init; }

    /// <summary>For a cancelled job: who asked (<c>cancellations.requested_by</c>), when known.</summary>
    public string? CancelledBy { get; init; }

    /// <summary>For a cancelled job: when the cancel was recorded, when known.</summary>
    public DateTime? CancelledAt { get; init; }
}
