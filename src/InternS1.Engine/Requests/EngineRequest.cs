namespace InternS1.Engine.Requests;

/// <summary>
/// A fully prepared generation request: token ids (template rendered, media expanded), pixels for
/// the media placeholders, resolved sampling. Submitted to <see cref="IGenerationEngine"/>.
/// </summary>
public sealed record EngineRequest
{
    public required string RequestId { get; init; }

    public required IReadOnlyList<int> PromptTokenIds { get; init; }

    public IReadOnlyList<MultimodalInput> MultimodalInputs { get; init; } = [];

    public required SamplingParams Sampling { get; init; }

    /// <summary>Higher is scheduled first within a <see cref="SchedulingClass"/>; ties go by arrival.</summary>
    public int Priority { get; init; }

    /// <summary>Interactive requests go ahead of every batch request and may preempt batch sequences
    /// (see <see cref="Requests.SchedulingClass"/>). Default <see cref="SchedulingClass.Batch"/>.</summary>
    public SchedulingClass SchedulingClass { get; init; } = SchedulingClass.Batch;

    /// <summary>A running sequence past this instant ends with <see cref="FinishReason.Deadline"/>.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Constrained decoding (structured output, reasoning budget); null = unconstrained (no per-step work).</summary>
    public OutputConstraint? Constraint { get; init; }

    /// <summary>Prefix-cache isolation: blocks are shared only between requests with the same salt
    /// (e.g. the dataset name when isolation is configured). Null = shared.</summary>
    public string? CacheSalt { get; init; }
}
