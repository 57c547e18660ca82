using System.Runtime.InteropServices;

namespace InternS1.Engine.Torch.Running;

/// <summary>
/// glibc heap settings for torch on CPU. By default glibc maps every large allocation fresh from the
/// OS and returns freed memory, so each step's big temporaries (full-vocabulary logits, gathered
/// keys/values) are faulted in page by page again. On the project's VMs a fresh page costs 10-20 µs
/// (about 3 ms per MiB), which made a batch-64 decode step at 1,000 tokens of context take 12 s
/// instead of 0.5 s. <see cref="KeepFreedMemory"/> serves every allocation from the heap and keeps
/// freed pages for reuse (what MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=... do from the environment).
/// The worker and every model and bench command apply it by default (<c>Model:KeepFreedMemory</c>).
/// </summary>
public static class GlibcHeap
{
    private const int TrimThreshold = -1;
    private const int MmapMax = -4;

    /// <summary>Describes the settings applied by <see cref="KeepFreedMemory"/>.</summary>
    public const string KeepFreedMemoryDescription = "mallopt(M_MMAP_MAX=0, M_TRIM_THRESHOLD=2 GiB)";

    /// <summary>No mmap for large blocks, no trimming below 2 GiB of free heap top: freed pages are
    /// reused instead of faulted in again. Affects the whole process from now on.</summary>
    /// <returns>False when not on glibc (nothing changed).</returns>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return Mallopt(MmapMax, 0) == 1 && Mallopt(TrimThreshold, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Returns free heap pages to the OS (malloc_trim(0)); false when not on glibc.</summary>
    public static bool Trim()
    {
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

    /// <summary>glibc's own account of the heap (mallinfo2): bytes in mmapped chunks — large allocations made
    /// while mmap is allowed — and bytes of the arenas; null when not on glibc.</summary>
    public static GlibcHeapStatistics? Statistics()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var info = MallInfo2();
            return new GlibcHeapStatistics((long)info.Arena, (long)info.Hblks, (long)info.Hblkhd, (long)info.Uordblks, (long)info.Fordblks);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2Struct MallInfo2();

    /// <summary>glibc's <c>struct mallinfo2</c> (10 size_t fields, glibc 2.33+).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2Struct
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }
}
