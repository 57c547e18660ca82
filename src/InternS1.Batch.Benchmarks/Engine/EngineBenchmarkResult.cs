namespace InternS1.Batch.Benchmarks.Engine;

/// <summary>Throughput and memory of one model in <see cref="EngineBenchmark"/>.</summary>
public sealed record EngineBenchmarkResult
{
    public required string Model { get; init; }
    public required long Parameters { get; init; }
    public required string Dtype { get; init; }

    /// <summary>Why that dtype (auto's resolution or an explicit setting).</summary>
    public required string DtypeReason { get; init; }

    /// <summary>The CPU features that decide the dtype (<see cref="InternS1.Engine.Torch.Hardware.CpuFeatures.Summary"/>).</summary>
    public required string Cpu { get; init; }

    /// <summary>The glibc heap settings in force.</summary>
    public required string Heap { get; init; }
    public required int Threads { get; init; }
    public required double LoadSeconds { get; init; }

    /// <summary>Repetitions per measurement; times are the fastest of them.</summary>
    public required int Repeats { get; init; }
    public required int PrefillTokens { get; init; }
    public required double PrefillTokensPerSecond { get; init; }
    public required int DecodeBatch { get; init; }
    public required int DecodeSteps { get; init; }
    public required double DecodeTokensPerSecond { get; init; }
    public required long WeightBytes { get; init; }
    public required long KvCacheBytes { get; init; }

    /// <summary>Peak resident set of the process during load + prefill + decode of this model (null if unknown).</summary>
    public long? PeakResidentBytes { get; init; }

    /// <summary>Decode against the machine's matmul and copy rates (one sequence, and <see cref="EngineBenchmarkOptions.RooflineSequences"/>).</summary>
    public required Roofline.RooflineFractions Roofline { get; init; }

    /// <summary>Grouped MoE block vs the naive per-token loop on layer 0 (null for dense models).</summary>
    public MoeComparison? Moe { get; init; }
}
