using System.Runtime.Intrinsics.X86;

namespace InternS1.Engine.Torch.Hardware;

/// <summary>
/// The CPU's instruction-set flags that decide the compute dtype: <c>avx512_bf16</c> (AVX-512 BF16 dot
/// products) and <c>amx_bf16</c> (AMX tiles) make bfloat16 matrix multiplies native; without them libtorch
/// emulates bfloat16 matmuls in float32 arithmetic plus conversions, which stays compute-bound at any batch
/// size. Read from <c>/proc/cpuinfo</c> (the kernel's names); where it cannot be read, from .NET's intrinsics
/// (which know AVX2 and AVX-512F but no bfloat16 extension, so bfloat16 is then reported absent).
/// </summary>
public sealed record CpuFeatures
{
    /// <summary>The flags that matter here, in the order they are reported.</summary>
    public static readonly IReadOnlyList<string> Reported = ["avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile"];

    /// <summary>Every flag the CPU reports (lower case, as in /proc/cpuinfo).</summary>
    public required IReadOnlySet<string> Flags { get; init; }

    /// <summary>The CPU model name, when known.</summary>
    public string? ModelName { get; init; }

    /// <summary>Where the flags came from (<c>/proc/cpuinfo</c> or <c>.NET intrinsics</c>).</summary>
    public required string Source { get; init; }

    /// <summary>True when bfloat16 matrix multiplies run natively: AVX512_BF16 or AMX-BF16.</summary>
    public bool HasNativeBf16Matmul => Flags.Contains("avx512_bf16") || Flags.Contains("amx_bf16");

    /// <summary>The <see cref="Reported"/> flags present, e.g. <c>avx2 fma</c>; <c>none of avx2, ...</c> when none is.</summary>
    public string Summary
    {
        get
        {
            var present = Reported.Where(Flags.Contains).ToArray();
            var absent = Reported.Where(f => !Flags.Contains(f) && f is "avx512_bf16" or "amx_bf16").ToArray();
            var text = present.Length == 0 ? "no avx2" : string.Join(' ', present);
            return absent.Length == 0 ? text : $"{text} (no {string.Join(", no ", absent)})";
        }
    }

    /// <summary>This machine's features (read once per process).</summary>
    public static CpuFeatures Current => LazyCurrent.Value;

    private static readonly Lazy<CpuFeatures> LazyCurrent = new(Detect);

    /// <summary>Parses the text of <c>/proc/cpuinfo</c>: the first <c>flags</c> line and <c>model name</c>.</summary>
    public static CpuFeatures FromCpuInfo(string cpuinfo)
    {
        string? flags = null, model = null;
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var key = line[..colon].Trim();
            if (key == "flags" && flags is null) flags = line[(colon + 1)..];
            else if (key == "model name" && model is null) model = line[(colon + 1)..].Trim();
            if (flags is not null && model is not null) break;
        }
        return FromFlags(flags ?? "", model, "/proc/cpuinfo");
    }

    /// <summary>Features from a space-separated flag list (as in /proc/cpuinfo).</summary>
    public static CpuFeatures FromFlags(string flags, string? modelName = null, string source = "given flags") => new()
    {
        Flags = flags.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(f => f.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal),
        ModelName = modelName,
        Source = source,
    };

    private static CpuFeatures Detect()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var features = FromCpuInfo(File.ReadAllText("/proc/cpuinfo"));
                if (features.Flags.Count > 0) return features;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        var known = new List<string>();
        if (Avx2.IsSupported) known.Add("avx2");
        if (Fma.IsSupported) known.Add("fma");
        if (Avx512F.IsSupported) known.Add("avx512f");
        return FromFlags(string.Join(' ', known), null, ".NET intrinsics");
    }
}
