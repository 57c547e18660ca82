namespace InternS1.Engine.Requests;

/// <summary>The outcome of one <see cref="EngineRequest"/>.</summary>
public sealed record EngineResult
{
    public required string RequestId { get; init; }

    /// <summary>Every generated token id, the stop token included (this is completion_tokens).</summary>
    public required IReadOnlyList<int> OutputTokenIds { get; init; }

    /// <summary>The generated text with special tokens kept (so reasoning and tool-call markers
    /// can be parsed), without the stop token, cut before a matched stop string.</summary>
    public required string OutputText { get; init; }

    public required FinishReason FinishReason { get; init; }

    /// <summary>The stop string that matched, if any.</summary>
    public string? StopString { get; init; }

    public required int NumPromptTokens { get; init; }

    /// <summary>Prompt tokens served from the prefix cache (not computed).</summary>
    public int NumCachedTokens { get; init; }

    /// <summary>Times the sequence was preempted and recomputed.</summary>
    public int NumPreemptions { get; init; }

    public TimeSpan QueueTime { get; init; }

    public TimeSpan PrefillTime { get; init; }

    public TimeSpan DecodeTime { get; init; }

    /// <summary>For <see cref="FinishReason.Error"/>: what went wrong, naming the request's input.</summary>
    public string? Error { get; init; }
}
