namespace InternS1.Batch.Benchmarks.Structured;

/// <summary>What <c>interns1 bench structured</c> measured: both decode runs of the same process, their ratio (goal
/// >= 0.8), the share of constrained steps whose mask time exceeded 10% of the step, and compile times.</summary>
public sealed record StructuredBenchmarkReport
{
    /// <summary>CPU flags among avx2, avx512_bf16, amx_bf16.</summary>
    public required IReadOnlyList<string> CpuFeatures { get; init; }
    public required string Dtype { get; init; }
    public int Threads { get; init; }
    public long Parameters { get; init; }
    public double VocabularySeconds { get; init; }
    public required StructuredDecodeRun Unconstrained { get; init; }
    public required StructuredDecodeRun Constrained { get; init; }

    /// <summary>Constrained / unconstrained decode tokens per second.</summary>
    public double ConstrainedVsUnconstrained => Unconstrained.DecodeTokensPerSecond > 0 ? Constrained.DecodeTokensPerSecond / Unconstrained.DecodeTokensPerSecond : 0;

    public double Goal => 0.8;

    /// <summary>Slow mask steps / masked steps of the constrained run.</summary>
    public double SlowMaskStepShare => Constrained.MaskedSteps > 0 ? (double)Constrained.SlowMaskSteps / Constrained.MaskedSteps : 0;

    public required IReadOnlyList<StructuredCompileTime> Compile { get; init; }
}
