using InternS1.Engine.Configuration;
using InternS1.Engine.Execution;

namespace InternS1.Engine.KvCache;

/// <summary>
/// Turns the memory budget into a number of KV blocks: bytes per block = BlockSize x
/// <see cref="ModelRunnerInfo.KvBytesPerToken"/> (2 x layers x kv heads x head dim x element bytes).
/// </summary>
public static class KvCacheSizing
{
    /// <summary>The number of KV blocks for these options and model.</summary>
    /// <param name="options">Engine options (KvCacheBlocks, KvCacheBytes or KvCacheMemoryFraction).</param>
    /// <param name="model">The model's KV geometry and context length.</param>
    /// <param name="availableMemoryBytes">Free memory on the device; null = read it from the OS.</param>
    /// <remarks>NOTE: a budget from a memory fraction is capped at MaxNumSeqs full-length sequences:
    /// more blocks would only hold prefix cache, and on a CPU machine a fraction of free RAM can be
    /// many GiB the runner would allocate for nothing.</remarks>
    /// <exception cref="InvalidOperationException">The budget holds no block; the message names the setting.</exception>
    public static int ComputeNumBlocks(EngineOptions options, ModelRunnerInfo model, long? availableMemoryBytes = null)
    {
        if (options.KvCacheBlocks is { } explicitBlocks) return explicitBlocks;

        var bytesPerBlock = checked(model.KvBytesPerToken * options.BlockSize);
        if (bytesPerBlock <= 0)
            throw new InvalidOperationException($"Model '{model.ModelName}' reports {model.KvBytesPerToken} KV bytes per token; expected > 0.");

        long budget;
        string source;
        if (options.KvCacheBytes is { } bytes)
        {
            budget = bytes;
            source = $"{EngineOptions.SectionName}:{nameof(EngineOptions.KvCacheBytes)} ({bytes:N0} bytes)";
        }
        else
        {
            var available = availableMemoryBytes ?? AvailableMemoryBytes();
            budget = (long)(available * options.KvCacheMemoryFraction);
            source = $"{EngineOptions.SectionName}:{nameof(EngineOptions.KvCacheMemoryFraction)} ({options.KvCacheMemoryFraction} of {available:N0} available bytes)";
            var maxLength = (long)MaxSequenceLength(options, model);
            var cap = (options.MaxNumSeqs * maxLength + options.BlockSize - 1) / options.BlockSize;
            budget = Math.Min(budget, cap * bytesPerBlock);
        }

        var blocks = budget / bytesPerBlock;
        if (blocks < 1)
            throw new InvalidOperationException(
                $"{source} holds no KV block: one block of {options.BlockSize} tokens needs {bytesPerBlock:N0} bytes " +
                $"({model.KvBytesPerToken:N0} bytes per token for '{model.ModelName}'). Raise the budget or lower {EngineOptions.SectionName}:{nameof(EngineOptions.BlockSize)}.");
        return (int)Math.Min(blocks, int.MaxValue);
    }

    /// <summary>The model context length, capped by <see cref="EngineOptions.MaxModelLength"/>.</summary>
    public static int MaxSequenceLength(EngineOptions options, ModelRunnerInfo model) =>
        Math.Min(model.MaxModelLength, options.MaxModelLength ?? int.MaxValue);

    /// <summary>Memory the OS can give this process now: Linux MemAvailable (capped by a container
    /// limit via the GC's view), else the GC's total available memory.</summary>
    public static long AvailableMemoryBytes()
    {
        var gcLimit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
                return Math.Min(kb * 1024, gcLimit);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return gcLimit;
    }
}
