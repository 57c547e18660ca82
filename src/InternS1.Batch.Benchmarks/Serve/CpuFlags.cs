namespace InternS1.Batch.Benchmarks.Serve;

/// <summary>The CPU line of a benchmark report: <c>/proc/cpuinfo</c>'s model name and which of the vector flags that
/// decide the compute dtype's speed it reports (<c>avx2</c>, <c>avx512f</c>, <c>avx512_bf16</c>, <c>amx_bf16</c>).</summary>
public static class CpuFlags
{
    private static readonly string[] Interesting = ["avx2", "avx512f", "avx512_bf16", "amx_bf16"];

    /// <summary>E.g. <c>"AMD EPYC 7B13 (avx2)"</c>; from .NET's intrinsics where <c>/proc/cpuinfo</c> is missing.</summary>
    public static string Describe()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo")) return FromCpuInfo(File.ReadAllText("/proc/cpuinfo"));
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        var flags = new List<string>();
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) flags.Add("avx2");
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported) flags.Add("avx512f");
        return $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture} ({(flags.Count > 0 ? string.Join(' ', flags) : "none of " + string.Join(' ', Interesting))}, from .NET intrinsics)";
    }

    /// <summary>The description from the text of <c>/proc/cpuinfo</c> (its first <c>model name</c> and <c>flags</c> lines).</summary>
    public static string FromCpuInfo(string cpuinfo)
    {
        string? model = null, flags = null;
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var key = line[..colon].Trim();
            if (key == "model name") model ??= line[(colon + 1)..].Trim();
            else if (key == "flags") flags ??= line[(colon + 1)..];
        }
        var present = (flags ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var found = Interesting.Where(present.Contains).ToArray();
        return $"{model ?? "unknown CPU"} ({(found.Length > 0 ? string.Join(' ', found) : "none of " + string.Join(' ', Interesting))})";
    }
}
