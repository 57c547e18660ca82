using InternS1.Engine.Torch.Running;

namespace InternS1.Batch.Benchmarks.Common;

/// <summary>The glibc heap settings of a benchmark process: applied like the worker applies <c>Model:KeepFreedMemory</c>
/// (on by default), and described with any MALLOC_* / GLIBC_TUNABLES variables in force, since they change step
/// times a lot where fresh pages are expensive.</summary>
public static class BenchmarkHeap
{
    /// <summary>Applies <see cref="GlibcHeap.KeepFreedMemory"/> when <paramref name="keepFreedMemory"/>; returns what is in force.</summary>
    public static string Apply(bool keepFreedMemory, Action<string>? progress = null)
    {
        var applied = keepFreedMemory && GlibcHeap.KeepFreedMemory();
        if (keepFreedMemory && !applied)
            progress?.Invoke("not glibc: the heap settings stay as they are");
        return Describe(applied);
    }

    /// <summary>The settings in force: <see cref="GlibcHeap.KeepFreedMemoryDescription"/> when applied, and the environment's.</summary>
    public static string Describe(bool applied)
    {
        var set = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("MALLOC_", StringComparison.Ordinal) || k == "GLIBC_TUNABLES")
            .Order(StringComparer.Ordinal)
            .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}")
            .Prepend(applied ? GlibcHeap.KeepFreedMemoryDescription : "")
            .Where(x => x.Length > 0)
            .ToArray();
        return set.Length == 0 ? "glibc defaults" : string.Join(" ", set);
    }
}
