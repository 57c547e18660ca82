namespace InternS1.Batch.Benchmarks.Common;

/// <summary>The CPU features that decide bf16 speed, as <c>grep -o -w 'avx512_bf16\|amx_bf16\|avx2' /proc/cpuinfo | sort -u</c>
/// prints them.</summary>
public static class CpuFeatures
{
    /// <summary>Which of <c>avx2</c>, <c>avx512_bf16</c>, <c>amx_bf16</c> the CPU flags list (sorted); empty where
    /// /proc/cpuinfo cannot be read.</summary>
    public static IReadOnlyList<string> Bf16Relevant()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path)) return [];
        var wanted = new HashSet<string>(["avx512_bf16", "amx_bf16", "avx2"], StringComparer.Ordinal);
        return File.ReadLines(path)
            .Where(l => l.StartsWith("flags", StringComparison.Ordinal))
            .SelectMany(l => l[(l.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(wanted.Contains)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}
