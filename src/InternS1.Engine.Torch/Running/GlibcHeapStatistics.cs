namespace InternS1.Engine.Torch.Running;

/// <summary>A snapshot of glibc's heap (<c>mallinfo2</c>).</summary>
/// <param name="ArenaBytes">Bytes the arenas took from the OS (sbrk / heap mappings), free or in use.</param>
/// <param name="MmappedChunks">Allocations served by a mapping of their own.</param>
/// <param name="MmappedBytes">Bytes in those mappings (0 while M_MMAP_MAX is 0, for allocations made since).</param>
/// <param name="InUseBytes">Bytes in use in the arenas.</param>
/// <param name="FreeBytes">Free bytes kept in the arenas (reused before the OS is asked again).</param>
public sealed record GlibcHeapStatistics(long ArenaBytes, long MmappedChunks, long MmappedBytes, long InUseBytes, long FreeBytes)
{
    private const double MiB = 1024.0 * 1024;

    /// <summary>One line for the logs, in MiB.</summary>
    public override string ToString() =>
        $"arenas {ArenaBytes / MiB:F1} MiB ({InUseBytes / MiB:F1} in use, {FreeBytes / MiB:F1} free), {MmappedChunks} mmapped chunks of {MmappedBytes / MiB:F1} MiB";
}
