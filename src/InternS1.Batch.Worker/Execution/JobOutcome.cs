using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Events;

namespace InternS1.Batch.Worker.Execution;

/// <summary>How a job ended: a completion to store as its result, or a rejection to store as its dead letter.</summary>
public abstract record JobOutcome
{
    private JobOutcome() { }

    /// <summary>The job produced a result.</summary>
    public sealed record Completed(JobCompletion Completion) : JobOutcome;

    /// <summary>The job can never succeed as given (bad input); dead-letter it at once.</summary>
    /// <param name="ReasonCode">A code from <see cref="Contracts.Failures.FailureReasons"/>.</param>
    /// <param name="Message">Names the field or part at fault and the problem.</param>
    public sealed record Rejected(string ReasonCode, string Message) : JobOutcome;
}

/// <summary>The parsed output of a successful job plus its accounting.</summary>
public sealed record JobCompletion
{
    /// <summary>The answer text (after the think block, without tool-call markup).</summary>
    public required string Content { get; init; }

    /// <summary>The think-block text, or null when the model did not think.</summary>
    public string? ReasoningContent { get; init; }

    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = [];

    /// <summary><c>stop</c>, <c>length</c>, <c>tool_calls</c> or <c>deadline</c>.</summary>
    public required string FinishReason { get; init; }

    public required TokenUsageInfo Usage { get; init; }

    /// <summary>The model folder name or id that produced the result.</summary>
    public required string Model { get; init; }

    /// <summary>The seed actually used (the job's, or the one drawn for it).</summary>
    public long Seed { get; init; }

    /// <summary>Thinking was requested off but reasoning came back (a remote server that did not obey the switch):
    /// the reasoning is kept and this flag marks the result.</summary>
    public bool ThinkingIgnored { get; init; }

    /// <summary>For a structured <c>response_format</c>: whether the answer parsed and validated
    /// (<see cref="Validation.StructuredResultValidator"/>); null without one.</summary>
    public bool? StructuredValid { get; init; }

    /// <summary>Why the answer failed validation (when <see cref="StructuredValid"/> is false).</summary>
    public string? StructuredError { get; init; }

    public TimeSpan QueueTime { get; init; }
    public TimeSpan PrefillTime { get; init; }
    public TimeSpan DecodeTime { get; init; }
}
