using InternS1.Engine.Requests;

namespace InternS1.Engine.Scheduling;

/// <summary>
/// How a request ended as the scheduler saw it, with its token accounting: a token-level reason (a stop
/// token, MaxNewTokens or the longest sequence, a deadline, an abort, an error). Text and stop strings are
/// the output processor's: it turns this into the <see cref="EngineResult"/>.
/// </summary>
public sealed record SequenceFinish
{
    public required string RequestId { get; init; }

    public required FinishReason Reason { get; init; }

    /// <summary>True when the last output token is one of the request's stop token ids (it counts as a
    /// completion token but is not part of the text).</summary>
    public bool StoppedOnToken { get; init; }

    /// <summary>Every generated token id, a final stop token included.</summary>
    public required IReadOnlyList<int> OutputTokenIds { get; init; }

    public required int NumPromptTokens { get; init; }

    public int NumCachedTokens { get; init; }

    public int NumPreemptions { get; init; }

    public TimeSpan QueueTime { get; init; }

    public TimeSpan PrefillTime { get; init; }

    public TimeSpan DecodeTime { get; init; }

    /// <summary>For <see cref="FinishReason.Error"/>: what went wrong.</summary>
    public string? Error { get; init; }
}
