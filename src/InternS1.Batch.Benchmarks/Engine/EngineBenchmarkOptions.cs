using InternS1.Engine.Torch.Running;

namespace InternS1.Batch.Benchmarks.Engine;

/// <summary>Sizes of <see cref="EngineBenchmark"/>'s runs.</summary>
public sealed record EngineBenchmarkOptions
{
    /// <summary>Compute dtype; null (default) = auto, as the worker resolves it.</summary>
    public ComputeDtype? Dtype { get; init; }

    /// <summary>Apply <see cref="GlibcHeap.KeepFreedMemory"/> first, as the worker does by default (recorded in the result).</summary>
    public bool KeepFreedMemory { get; init; } = true;

    /// <summary>Torch threads; null = all processors.</summary>
    public int? Threads { get; init; }

    /// <summary>Sequences prefilled together, then decoded together.</summary>
    public int Batch { get; init; } = 8;

    /// <summary>Prompt tokens per sequence (all prefilled in one step).</summary>
    public int PromptLength { get; init; } = 128;

    /// <summary>Decode steps (each computes one token per sequence).</summary>
    public int DecodeSteps { get; init; } = 16;

    /// <summary>Sequences decoded together for the compute roofline fraction.</summary>
    public int RooflineSequences { get; init; } = 64;

    /// <summary>Tokens fed to the grouped and the naive MoE block.</summary>
    public int MoeTokens { get; init; } = 256;

    /// <summary>Each measurement is repeated this many times and the fastest is reported (the build
    /// machines are shared, so single runs are noisy).</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>Also run the larger random MoE model (<see cref="EngineBenchmark.LargeMoe"/>).</summary>
    public bool IncludeLarge { get; init; } = true;

    /// <summary>Where the random checkpoints are written (deleted afterwards); null = the temp folder.</summary>
    public string? WorkDirectory { get; init; }
}
