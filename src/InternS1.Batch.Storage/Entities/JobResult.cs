namespace InternS1.Batch.Storage.Entities;

/// <summary>A row of <c>results</c>: the parsed output of one succeeded job (at most one per job id).</summary>
public sealed class JobResult
{
    public required string JobId { get; set; }

    public required string Content { get; set; }

    public string? ReasoningContent { get; set; }

    /// <summary>OpenAI-shaped tool calls as a JSON array (jsonb); <c>[]</c> when none.</summary>
    public required string ToolCalls { get; set; }

    /// <summary><c>stop</c>, <c>length</c>, <c>tool_calls</c> or <c>deadline</c>.</summary>
    public required string FinishReason { get; set; }

    public required string Model { get; set; }

    public long Seed { get; set; }

    /// <summary>Thinking was requested off but the output came with reasoning (a server that did not obey the
    /// switch): the reasoning is stored as it came and this flag says so.</summary>
    public bool ThinkingIgnored { get; set; }

    /// <summary>For a structured <c>response_format</c>: whether the answer parsed and validated against it; null
    /// without one.</summary>
    public bool? StructuredValid { get; set; }

    /// <summary>Why the answer failed validation (when <see cref="StructuredValid"/> is false).</summary>
    public string? StructuredError { get; set; }

    public DateTime CreatedAt { get; set; }
}
