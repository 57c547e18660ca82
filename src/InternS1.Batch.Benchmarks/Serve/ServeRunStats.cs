namespace InternS1.Batch.Benchmarks.Serve;

/// <summary>What one run of <see cref="ServeLoadDriver"/> measured: the batch's throughput and each interactive
/// request's time to first token and decode rate.</summary>
public sealed record ServeRunStats
{
    public required string Mode { get; init; }
    public required int Steps { get; init; }
    public required double WallSeconds { get; init; }

    public required int BatchJobs { get; init; }
    public required long BatchOutputTokens { get; init; }

    /// <summary>From the start until the last batch job ended (0 without a batch).</summary>
    public required double BatchSeconds { get; init; }

    public required int InteractiveRequests { get; init; }
    public required long InteractiveOutputTokens { get; init; }

    /// <summary>Per interactive request, seconds from its admission to the end of the step that produced its first token.</summary>
    public required IReadOnlyList<double> TtftSeconds { get; init; }

    /// <summary>Per interactive request, output tokens after the first / seconds from the first token to its end.</summary>
    public required IReadOnlyList<double> InteractiveTokensPerSecond { get; init; }

    /// <summary>Batch sequences preempted (recomputed later), over all jobs.</summary>
    public required long Preemptions { get; init; }

    public double BatchTokensPerSecond => BatchSeconds > 0 ? BatchOutputTokens / BatchSeconds : 0;
    public double MeanTtftSeconds => TtftSeconds.Count > 0 ? TtftSeconds.Average() : 0;
    public double MaxTtftSeconds => TtftSeconds.Count > 0 ? TtftSeconds.Max() : 0;
    public double MeanInteractiveTokensPerSecond => InteractiveTokensPerSecond.Count > 0 ? InteractiveTokensPerSecond.Average() : 0;
}
