namespace InternS1.Batch.Benchmarks.Structured;

/// <summary>One decode run: every sequence admitted at once, stepped to the end; the decode-only steps are timed.</summary>
public sealed record StructuredDecodeRun
{
    public required string Mode { get; init; }
    public int Sequences { get; init; }
    public int DecodeSteps { get; init; }
    public long DecodeTokens { get; init; }
    public double DecodeSeconds { get; init; }
    public double DecodeTokensPerSecond => DecodeSeconds > 0 ? DecodeTokens / DecodeSeconds : 0;
    public double MeanStepMilliseconds => DecodeSteps > 0 ? 1000 * DecodeSeconds / DecodeSteps : 0;

    /// <summary>Steps in which some sequence's token was masked (all of them in the constrained run).</summary>
    public int MaskedSteps { get; init; }

    /// <summary>Masked steps whose mask time (fill + apply) exceeded 10% of the step.</summary>
    public int SlowMaskSteps { get; init; }

    public double MaskMillisecondsMedian { get; init; }
    public double MaskMillisecondsP99 { get; init; }

    /// <summary>Constrained sequences whose value was complete within the run (after that only end ids are allowed).</summary>
    public int ValuesCompleted { get; init; }
}
