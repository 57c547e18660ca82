using System.Runtime;
using System.Runtime.InteropServices;

namespace InternS1.Media.Intake;

/// <summary>
/// Gives memory back to the operating system after media-heavy work: decoded images and float32 tiles are large
/// objects, which the GC keeps committed (and glibc keeps the codecs' freed native buffers) until told otherwise.
/// One aggressive, compacting full collection (large objects included) decommits the free heap; <c>malloc_trim(0)</c>
/// returns glibc's free pages. Costs one blocking collection (tens of milliseconds), so
/// <see cref="DecodedMemoryBudget"/> calls it only when it falls idle after heavy use.
/// </summary>
public static class MemoryReclaimer
{
    /// <summary>Collects and trims; true when glibc's heap was trimmed too.</summary>
    public static bool Reclaim()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return MallocTrim(0) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
