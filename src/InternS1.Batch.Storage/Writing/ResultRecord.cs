using InternS1.Batch.Contracts.Events;

namespace InternS1.Batch.Storage.Writing;

/// <summary>A succeeded job's result and accounting, as handed to <see cref="ResultWriter"/>.</summary>
public sealed record ResultRecord
{
    public required string JobId { get; init; }

    /// <summary>The content hash of the delivery that computed the result; when set, the result is written only while
    /// the job row has this hash (or none). Null: not checked.</summary>
    public string? PayloadHash { get; init; }
    public required string Content { get; init; }
    public string? ReasoningContent { get; init; }

    /// <summary>OpenAI-shaped tool calls as a JSON array text; <c>[]</c> when none.</summary>
    public string ToolCallsJson { get; init; } = "[]";

    public required string FinishReason { get; init; }
    public required string Model { get; init; }
    public long Seed { get; init; }

    /// <summary>Thinking was requested off but reasoning came back (stored, and flagged by this).</summary>
    public bool ThinkingIgnored { get; init; }

    /// <summary>Whether a structured answer validated; null for free text.</summary>
    public bool? StructuredValid { get; init; }

    /// <summary>Why a structured answer failed validation.</summary>
    public string? StructuredError { get; init; }

    /// <summary>The counts; <see cref="TokenUsageInfo.ReportedFields"/> goes to <c>token_usage.reported_fields</c>.</summary>
    public required TokenUsageInfo Usage { get; init; }
    public double QueueMs { get; init; }
    public double PrefillMs { get; init; }
    public double DecodeMs { get; init; }
}
