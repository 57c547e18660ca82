namespace InternS1.Batch.Benchmarks.Batching;

/// <summary>What one run of a set of jobs through <see cref="InternS1.Engine.Core.EngineCore"/> cost, counted from
/// the scheduled steps (<see cref="BatchingBenchmark"/>).</summary>
public sealed record BatchingRunStats
{
    /// <summary>How the jobs were run (e.g. "continuous, 64 slots").</summary>
    public required string Mode { get; init; }

    public required int Jobs { get; init; }

    /// <summary>Wall time from the first admission to the last job's end (seconds).</summary>
    public required double WallSeconds { get; init; }

    /// <summary>Engine steps that computed something.</summary>
    public required int Steps { get; init; }

    /// <summary>Prompt (and recomputed) tokens computed in prefill chunks.</summary>
    public required long PrefillTokens { get; init; }

    /// <summary>Single-token decode computations.</summary>
    public required long DecodeTokens { get; init; }

    /// <summary>Output tokens the jobs asked for (for padded static batches: excluding the padding
    /// generated past a job's own length).</summary>
    public required long UsefulOutputTokens { get; init; }

    /// <summary>Wall time of the steps that computed decodes only (no prefill chunk), seconds.</summary>
    public required double DecodeOnlySeconds { get; init; }

    /// <summary>Decode tokens computed in those steps.</summary>
    public required long DecodeOnlyTokens { get; init; }

    /// <summary>Prompt tokens served from the prefix cache.</summary>
    public long CachedPromptTokens { get; init; }

    /// <summary>Preemptions (recomputations) over all jobs.</summary>
    public long Preemptions { get; init; }

    /// <summary>Decode tokens per second over decode-only steps.</summary>
    public double DecodeTokensPerSecond => DecodeOnlySeconds > 0 ? DecodeOnlyTokens / DecodeOnlySeconds : 0;

    /// <summary>Useful output tokens per second of wall time (prefill included).</summary>
    public double OutputTokensPerSecond => WallSeconds > 0 ? UsefulOutputTokens / WallSeconds : 0;

    /// <summary>Average sequences per step.</summary>
    public double MeanBatchSize { get; init; }
}
