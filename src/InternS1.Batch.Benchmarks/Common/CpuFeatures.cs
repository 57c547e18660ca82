namespace InternS1.Batch.Benchmarks.Common;

/// <summary>The CPU features the benchmark reports are read against: <c>avx512_bf16</c>, <c>amx_bf16</c>, <c>avx2</c>
/// (what <c>grep -o -w 'avx512_bf16\|amx_bf16\|avx2' /proc/cpuinfo | sort -u</c> prints).</summary>
public static class CpuFeatures
{
    private static readonly string[] Interesting = ["amx_bf16", "avx2", "avx512_bf16"];

    /// <summary>The interesting flags present, sorted; empty when /proc/cpuinfo cannot be read.</summary>
    public static IReadOnlyList<string> Read(string path = "/proc/cpuinfo")
    {
        if (!File.Exists(path))
            return [];
        var flags = File.ReadLines(path)
            .Where(l => l.StartsWith("flags", StringComparison.Ordinal))
            .SelectMany(l => l[(l.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);
        return Interesting.Where(flags.Contains).ToList();
    }
}
