namespace InternS1.Batch.Benchmarks.Batching;

/// <summary>Continuous batching against a baseline on the same jobs, in the same run.</summary>
public sealed record ThroughputComparison
{
    /// <summary>What the jobs look like (count, prompt and output lengths).</summary>
    public required string Workload { get; init; }

    public required BatchingRunStats Baseline { get; init; }

    public required BatchingRunStats Continuous { get; init; }

    /// <summary>The compared measure (e.g. "decode tokens/s").</summary>
    public required string Measure { get; init; }

    /// <summary>Continuous / baseline on <see cref="Measure"/>.</summary>
    public required double Ratio { get; init; }

    /// <summary>Continuous / baseline on useful output tokens per second of wall time.</summary>
    public double EndToEndRatio => Baseline.OutputTokensPerSecond > 0 ? Continuous.OutputTokensPerSecond / Baseline.OutputTokensPerSecond : 0;

    /// <summary>The goal for <see cref="Ratio"/>.</summary>
    public required double Goal { get; init; }
}
