namespace InternS1.Batch.Benchmarks.Roofline;

/// <summary>
/// How close decoding comes to the machine's ceilings, measured in the same run: batched decode as a fraction of
/// the matmul rate (achieved FLOP/s = FLOPs per token x decode tokens/s), and one sequence decoding alone as a
/// fraction of the copy rate (achieved bytes/s = weight bytes read per token x tokens/s). Goal: 0.6 or more for both.
/// </summary>
public sealed record RooflineFractions
{
    /// <summary>The goal for both fractions.</summary>
    public const double Goal = 0.6;

    public required MachineRates Machine { get; init; }

    public required DecodeCost Cost { get; init; }

    /// <summary>Sequences decoded together in the batched measurement.</summary>
    public required double BatchedSequences { get; init; }

    public required double BatchedTokensPerSecond { get; init; }

    public required double SingleTokensPerSecond { get; init; }

    public double BatchedFlopsPerSecond => Cost.FlopsPerToken * BatchedTokensPerSecond;

    public double SingleBytesPerSecond => (double)Cost.WeightBytesPerToken * SingleTokensPerSecond;

    /// <summary>Batched decode FLOP/s / matmul FLOP/s.</summary>
    public double ComputeFraction => BatchedFlopsPerSecond / Machine.MatmulFlopsPerSecond;

    /// <summary>Single-sequence weight bytes/s / copy bytes/s.</summary>
    public double BandwidthFraction => SingleBytesPerSecond / Machine.CopyBytesPerSecond;
}
