using InternS1.Engine.Torch.Running;

namespace InternS1.Batch.Benchmarks.Serve;

/// <summary>Sizes of <see cref="ServeBenchmark"/>'s workload. The defaults are the (a 64-job batch with long
/// outputs filling every slot, then 8 interactive requests); <see cref="Quick"/> is a smaller run of the same three
/// runs.</summary>
public sealed record ServeBenchmarkOptions
{
    /// <summary>Compute dtype; null = auto, resolved as the worker resolves <c>Model:Dtype</c>.</summary>
    public ComputeDtype? Dtype { get; init; }

    /// <summary>Torch intra-op threads; null = all processors, as the worker runs.</summary>
    public int? Threads { get; init; }

    /// <summary>Sequence slots (<c>Engine:MaxNumSeqs</c>); the batch alone fills them all.</summary>
    public int MaxNumSeqs { get; init; } = 16;

    public int MaxNumBatchedTokens { get; init; } = 2048;

    public int BlockSize { get; init; } = 16;

    /// <summary>Jobs of the batch, all submitted at the start.</summary>
    public int BatchJobs { get; init; } = 64;

    public int BatchPromptMinTokens { get; init; } = 32;
    public int BatchPromptMaxTokens { get; init; } = 96;

    /// <summary>Output tokens of every batch job (eos ignored): long, so the batch outlasts the interactive traffic.</summary>
    public int BatchOutputTokens { get; init; } = 128;

    /// <summary>Interactive requests, sent one after another by one client (the next when the previous ended).</summary>
    public int InteractiveRequests { get; init; } = 8;

    public int InteractivePromptTokens { get; init; } = 64;

    /// <summary>Output tokens of every interactive request (eos ignored).</summary>
    public int InteractiveOutputTokens { get; init; } = 32;

    /// <summary>The same runs at about a tenth of the work (<c>--quick</c>).</summary>
    public static ServeBenchmarkOptions Quick { get; } = new()
    {
        MaxNumSeqs = 4, BatchJobs = 8, BatchPromptMinTokens = 8, BatchPromptMaxTokens = 16, BatchOutputTokens = 24,
        InteractiveRequests = 2, InteractivePromptTokens = 16, InteractiveOutputTokens = 4,
    };
}
