using InternS1.Engine.Torch.Hardware;
using InternS1.Engine.Torch.Running;
using TorchSharp;

namespace InternS1.Engine.Torch.Tests.Hardware;

/// <summary><c>Model:Dtype</c> resolved from given CPU flag sets (as /proc/cpuinfo spells them) and devices.</summary>
public class ComputeDtypeResolutionTests
{
    private const string Avx2Epyc = "fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2 sha_ni";
    private const string SapphireRapids = "sse4_2 avx avx2 fma avx512f avx512dq avx512bw avx512_vnni avx512_bf16 amx_bf16 amx_tile amx_int8";
    private const string CooperLake = "avx avx2 fma avx512f avx512bw avx512_vnni avx512_bf16";
    private const string Skylake = "avx avx2 fma avx512f avx512dq avx512bw avx512vl";
    private const string AmxOnly = "avx2 fma amx_tile amx_bf16";
    private const string Old = "sse sse2 sse4_2 avx";

    public static TheoryData<string, string?, DeviceType, ComputeDtype> Cases => new()
    {
        // auto on CPUs: bfloat16 exactly when AVX512_BF16 or AMX-BF16 is there
        { Avx2Epyc, null, DeviceType.CPU, ComputeDtype.Float32 },
        { Skylake, null, DeviceType.CPU, ComputeDtype.Float32 },
        { Old, null, DeviceType.CPU, ComputeDtype.Float32 },
        { "", null, DeviceType.CPU, ComputeDtype.Float32 },
        { CooperLake, null, DeviceType.CPU, ComputeDtype.BFloat16 },
        { SapphireRapids, null, DeviceType.CPU, ComputeDtype.BFloat16 },
        { AmxOnly, null, DeviceType.CPU, ComputeDtype.BFloat16 },
        // auto on CUDA: bfloat16 whatever the host CPU
        { Avx2Epyc, null, DeviceType.CUDA, ComputeDtype.BFloat16 },
        { Old, null, DeviceType.CUDA, ComputeDtype.BFloat16 },
        // explicit settings win everywhere
        { Avx2Epyc, "bfloat16", DeviceType.CPU, ComputeDtype.BFloat16 },
        { SapphireRapids, "float32", DeviceType.CPU, ComputeDtype.Float32 },
        { Avx2Epyc, "float32", DeviceType.CUDA, ComputeDtype.Float32 },
        { CooperLake, "bf16", DeviceType.CPU, ComputeDtype.BFloat16 },
        { Skylake, "fp32", DeviceType.CPU, ComputeDtype.Float32 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Auto_picks_bfloat16_only_where_matmuls_are_native_and_explicit_settings_win(string flags, string? setting, DeviceType device, ComputeDtype expected)
    {
        var requested = setting is null ? ComputeDtypes.ParseSetting("auto") : ComputeDtypes.ParseSetting(setting);
        var resolution = ComputeDtypeResolution.Resolve(requested, device, CpuFeatures.FromFlags(flags));
        Assert.Equal(expected, resolution.Dtype);
        Assert.Equal(requested, resolution.Requested);
        Assert.StartsWith(setting is null ? "auto: " : "set explicitly", resolution.Reason);
    }

    [Fact]
    public void The_reason_for_float32_on_an_avx2_cpu_names_the_missing_instructions()
    {
        var r = ComputeDtypeResolution.Resolve(null, DeviceType.CPU, CpuFeatures.FromFlags(Avx2Epyc));
        Assert.Equal("auto: the CPU has no native bfloat16 matrix instructions (avx2 fma (no avx512_bf16, no amx_bf16)), so bfloat16 matmuls would be emulated; float32 compute, weights converted at load", r.Reason);
    }

    [Fact]
    public void Cpuinfo_text_is_read_from_its_first_flags_line_and_model_name()
    {
        const string cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8480+\n" +
                               "flags\t\t: fpu avx2 fma avx512f avx512_bf16 amx_bf16 amx_tile\n\nprocessor\t: 1\nflags\t\t: fpu\n";
        var cpu = CpuFeatures.FromCpuInfo(cpuinfo);
        Assert.Equal("Intel(R) Xeon(R) Platinum 8480+", cpu.ModelName);
        Assert.True(cpu.HasNativeBf16Matmul);
        Assert.Equal("avx2 fma avx512f avx512_bf16 amx_bf16 amx_tile", cpu.Summary);
        Assert.Equal("/proc/cpuinfo", cpu.Source);
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("AUTO", null)]
    [InlineData(" float32 ", ComputeDtype.Float32)]
    [InlineData("bfloat16", ComputeDtype.BFloat16)]
    public void Settings_parse_case_insensitively_with_auto_as_null(string text, ComputeDtype? expected) =>
        Assert.Equal(expected, ComputeDtypes.ParseSetting(text));

    [Fact]
    public void An_unknown_dtype_setting_is_refused_with_the_choices()
    {
        var e = Assert.Throws<ArgumentException>(() => ComputeDtypes.ParseSetting("float16"));
        Assert.Equal("dtype 'float16' is not supported: use auto, float32 or bfloat16", e.Message);
    }
}
