using InternS1.Batch.Benchmarks.Engine;
using InternS1.Engine.Torch.Running;

namespace InternS1.Batch.Benchmarks.Batching;

/// <summary>Sizes of <see cref="BatchingBenchmark"/>'s workloads. The defaults are the issue's
/// (64 concurrent jobs; 100 jobs sharing a 1,000-token instruction); <see cref="Quick"/> is a
/// smaller run of the same comparisons.</summary>
public sealed record BatchingBenchmarkOptions
{
    /// <summary>Compute dtype; null (default) = auto, as the worker resolves it.</summary>
    public ComputeDtype? Dtype { get; init; }

    /// <summary>Torch intra-op threads; null (default) = all processors, as the worker runs. NOTE: on a shared machine,
    /// threads that wait for each other at every kernel's barrier can make step times jump tenfold; 1 is steadier
    /// there, and the comparisons are ratios within one run either way.</summary>
    public int? Threads { get; init; }

    /// <summary>Each run is repeated up to this many times and the best kept (shared machines are noisy)...</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>... while the repetitions of that run stay within this many seconds (slow runs run once).</summary>
    public double RepeatBudgetSeconds { get; init; } = 20;

    /// <summary>Call <see cref="GlibcHeap.KeepFreedMemory"/> before measuring (recorded in the result).</summary>
    public bool KeepFreedMemory { get; init; } = true;

    /// <summary>Also run the larger random MoE model (<see cref="EngineBenchmark.LargeMoe"/>).</summary>
    public bool IncludeLarge { get; init; } = true;

    /// <summary>Where the random checkpoints are written (deleted afterwards); null = the temp folder.
    /// Ignored when <see cref="CheckpointCacheDirectory"/> is set.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>When set, each random checkpoint is written once into a sub-folder named by its
    /// options' hash and reused by later runs (the large one takes ~700 MB and ~15 s to write).</summary>
    public string? CheckpointCacheDirectory { get; init; }

    public int BlockSize { get; init; } = 16;

    public int MaxNumBatchedTokens { get; init; } = 2048;

    // --- continuous vs one job at a time ---

    /// <summary>Jobs submitted together (and the continuous run's slots).</summary>
    public int ConcurrentJobs { get; init; } = 64;

    public int PromptMinTokens { get; init; } = 16;
    public int PromptMaxTokens { get; init; } = 48;

    /// <summary>Output tokens of every job (eos ignored).</summary>
    public int OutputTokens { get; init; } = 32;

    /// <summary>How many of those jobs the one-at-a-time baseline runs (its rate does not depend on
    /// how many jobs wait behind it; the slow baseline would otherwise dominate the run time).</summary>
    public int SequentialJobs { get; init; } = 16;

    // --- continuous vs static batches ---

    /// <summary>Jobs with mixed output lengths.</summary>
    public int MixedJobs { get; init; } = 48;

    /// <summary>Jobs per static batch, and the continuous run's slots in this comparison.</summary>
    public int StaticBatchSize { get; init; } = 16;

    /// <summary>Output lengths are log-uniform in [min, max].</summary>
    public int MixedOutputMinTokens { get; init; } = 4;
    public int MixedOutputMaxTokens { get; init; } = 128;

    // --- prefix cache on vs off ---

    public int PrefixJobs { get; init; } = 100;

    /// <summary>Prefix jobs on the large model: its cache-off baseline computes every job's whole prompt
    /// (about 1.7 s per 1,000 tokens on one core), so it runs the first jobs of the same workload.</summary>
    public int LargeModelPrefixJobs { get; init; } = 48;

    /// <summary>Tokens of the instruction every prefix job starts with.</summary>
    public int InstructionTokens { get; init; } = 1000;

    /// <summary>Each job's own suffix is uniform in [min, max] tokens.</summary>
    public int SuffixMinTokens { get; init; } = 8;
    public int SuffixMaxTokens { get; init; } = 24;

    /// <summary>Output tokens of every prefix job (a short label).</summary>
    public int PrefixOutputTokens { get; init; } = 4;

    /// <summary>Size of one layer's K tensor in the KV memory probe's smaller pool (the larger has twice as many slots).</summary>
    public long KvProbeTensorBytes { get; init; } = 32L << 20;

    /// <summary>The same comparisons at about a fifth of the work (<c>--quick</c>).</summary>
    public static BatchingBenchmarkOptions Quick { get; } = new()
    {
        RepeatBudgetSeconds = 3, ConcurrentJobs = 32, OutputTokens = 16, SequentialJobs = 4, MixedJobs = 24, StaticBatchSize = 8, MixedOutputMaxTokens = 48,
        PrefixJobs = 24, LargeModelPrefixJobs = 16, InstructionTokens = 500,
    };
}
