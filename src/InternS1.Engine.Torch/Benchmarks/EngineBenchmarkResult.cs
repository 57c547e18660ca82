namespace InternS1.Engine.Torch.Benchmarks;

/// <summary>Throughput and memory of one model in <see cref="EngineBenchmark"/>.</summary>
public sealed record EngineBenchmarkResult
{
    public required string Model { get; init; }
    public required long Parameters { get; init; }
    public required string Dtype { get; init; }
    public required int Threads { get; init; }
    public required double LoadSeconds { get; init; }
    public required int PrefillTokens { get; init; }
    public required double PrefillTokensPerSecond { get; init; }
    public required int DecodeBatch { get; init; }
    public required int DecodeSteps { get; init; }
    public required double DecodeTokensPerSecond { get; init; }
    public required long WeightBytes { get; init; }
    public required long KvCacheBytes { get; init; }

    /// <summary>Peak resident set of the process during load + prefill + decode of this model (null if unknown).</summary>
    public long? PeakResidentBytes { get; init; }

    /// <summary>Grouped MoE block vs the naive per-token loop on layer 0 (null for dense models).</summary>
    public MoeComparison? Moe { get; init; }
}

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
