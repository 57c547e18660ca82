using InternS1.Batch.Benchmarks.Common;
using InternS1.Engine.Torch.Running;

namespace InternS1.Batch.Benchmarks.Batching;

/// <summary>Measures KV bytes per token slot from the process's resident memory: the runner allocates
/// a pool of N and then of 2N token slots (the allocation zero-fills, so every page becomes resident),
/// and the difference of the two growths is divided by N — freed memory that a pool reuses without
/// growing the resident set cancels out. Also reports the runner's own account of its KV tensors.</summary>
internal static class KvMemoryProbe
{
    /// <summary>Measures with N slots such that one layer's K tensor is about <paramref name="tensorBytes"/>,
    /// then shrinks the pool to one block again.</summary>
    public static KvMemoryMeasurement Measure(TorchModelRunner runner, int blockSize, long tensorBytes)
    {
        var text = runner.Config.TextConfig;
        var elementBytes = runner.Dtype.ElementBytes();
        var formula = 2L * text.NumHiddenLayers * text.KeyValueHeads * text.HeadDim * elementBytes;
        var slotBytes = (long)text.KeyValueHeads * text.HeadDim * elementBytes;
        var blocks = (int)Math.Max(1, (tensorBytes + slotBytes * blockSize - 1) / (slotBytes * blockSize));
        var tokens = (long)blocks * blockSize;

        var (small, _) = Growth(runner, blocks, blockSize);
        var (large, allocated) = Growth(runner, 2 * blocks, blockSize);
        return new KvMemoryMeasurement
        {
            PoolTokens = 2 * tokens,
            AllocatedBytesPerToken = (double)allocated / (2 * tokens),
            ResidentBytesPerToken = small is { } s && large is { } l ? (double)(l - s) / tokens : null,
            FormulaBytesPerToken = formula,
        };
    }

    /// <summary>Resident growth when a pool of <paramref name="blocks"/> replaces a one-block pool, and the runner's KV bytes.</summary>
    private static (long? Growth, long Allocated) Growth(TorchModelRunner runner, int blocks, int blockSize)
    {
        runner.InitializeKvCache(1, blockSize);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GlibcHeap.Trim();
        var before = ProcessMemory.ResidentBytes();
        runner.InitializeKvCache(blocks, blockSize);
        var after = ProcessMemory.ResidentBytes();
        var allocated = runner.KvCacheBytes;
        runner.InitializeKvCache(1, blockSize);
        return (before is { } b && after is { } a ? a - b : null, allocated);
    }
}
