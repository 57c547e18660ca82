using InternS1.Engine.Torch.Running;

namespace InternS1.Batch.Benchmarks.Batching;

/// <summary>Every comparison of <see cref="BatchingBenchmark"/> on one model.</summary>
public sealed record BatchingModelResult
{
    public required string Model { get; init; }
    public required long Parameters { get; init; }
    public required string Dtype { get; init; }

    /// <summary>Why that dtype (auto's resolution or an explicit setting).</summary>
    public required string DtypeReason { get; init; }

    /// <summary>The CPU features that decide the dtype.</summary>
    public required string Cpu { get; init; }
    public required int Threads { get; init; }
    public required double LoadSeconds { get; init; }

    /// <summary>Continuous batching vs one job at a time on decode tokens/s.</summary>
    public required ThroughputComparison Sequential { get; init; }

    /// <summary>Continuous batching vs static batches on useful output tokens/s, mixed output
    /// lengths, the same number of slots. A static batch starts together and keeps all its slots
    /// (every row computed, as a padded batch tensor is) until its longest job ends.</summary>
    public required ThroughputComparison Static { get; init; }

    /// <summary>A gentler baseline than <see cref="Static"/>: a finished job leaves the batch (its row
    /// is no longer computed) but no job joins until the whole batch ended.</summary>
    public required ThroughputComparison StaticEarlyExit { get; init; }

    public required PrefixCacheComparison Prefix { get; init; }

    public required KvMemoryMeasurement KvMemory { get; init; }

    /// <summary>One job at a time against the copy rate, continuous batching against the matmul rate (same run).</summary>
    public required Roofline.RooflineFractions Roofline { get; init; }

    /// <summary>The glibc heap settings in force (see <see cref="GlibcHeap"/>).</summary>
    public required string MallocSettings { get; init; }
}
