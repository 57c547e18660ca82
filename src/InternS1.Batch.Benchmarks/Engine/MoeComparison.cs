namespace InternS1.Batch.Benchmarks.Engine;

/// <summary>Grouped (index_select / index_add per expert) vs naive (per token, per selected expert)
/// MoE compute of one layer on the same input, timed in the same run.</summary>
public sealed record MoeComparison
{
    public required int Tokens { get; init; }
    public required double GroupedMilliseconds { get; init; }
    public required double NaiveMilliseconds { get; init; }

    /// <summary>Naive time / grouped time.</summary>
    public double Speedup => NaiveMilliseconds / GroupedMilliseconds;

    /// <summary>Largest absolute difference between the two outputs (they compute the same function).</summary>
    public required double MaxAbsDifference { get; init; }
}
