namespace InternS1.Batch.Benchmarks.Batching;

/// <summary>
/// The result of <c>interns1 bench batching</c>: the headline ratios (from the largest model run)
/// and every model's details. Serialised with a snake_case policy these are the keys
/// (<c>continuous_vs_sequential</c>, <c>continuous_vs_static</c>, <c>prefix_prefill_fraction</c>,
/// <c>prefix_speedup</c>, <c>kv_bytes_per_token_measured</c>, <c>kv_bytes_per_token_formula</c>).
/// </summary>
public sealed record BatchingBenchmarkReport
{
    /// <summary>The model the headline numbers come from (the last, largest one).</summary>
    public required string HeadlineModel { get; init; }

    /// <summary>Decode tokens/s, continuous batching / one job at a time.</summary>
    public required double ContinuousVsSequential { get; init; }

    /// <summary>Useful output tokens/s, continuous batching / static batches, mixed output lengths.</summary>
    public required double ContinuousVsStatic { get; init; }

    /// <summary>Prefill tokens computed with the prefix cache / without.</summary>
    public required double PrefixPrefillFraction { get; init; }

    /// <summary>Wall time without the prefix cache / with it.</summary>
    public required double PrefixSpeedup { get; init; }

    public required double KvBytesPerTokenMeasured { get; init; }

    public required long KvBytesPerTokenFormula { get; init; }

    public required IReadOnlyList<BatchingModelResult> Models { get; init; }

    /// <summary>The report with the headline taken from the last of <paramref name="models"/>.</summary>
    public static BatchingBenchmarkReport From(IReadOnlyList<BatchingModelResult> models)
    {
        if (models.Count == 0) throw new ArgumentException("at least one model result is needed", nameof(models));
        var m = models[^1];
        return new BatchingBenchmarkReport
        {
            HeadlineModel = m.Model,
            ContinuousVsSequential = m.Sequential.Ratio,
            ContinuousVsStatic = m.Static.Ratio,
            PrefixPrefillFraction = m.Prefix.PrefillFraction,
            PrefixSpeedup = m.Prefix.Speedup,
            KvBytesPerTokenMeasured = m.KvMemory.MeasuredBytesPerToken,
            KvBytesPerTokenFormula = m.KvMemory.FormulaBytesPerToken,
            Models = models,
        };
    }
}
