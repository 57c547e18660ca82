using InternS1.Engine.Torch.Hardware;
using InternS1.Engine.Torch.Running;
using TorchSharp;

namespace InternS1.Engine.Torch.Tests.Hardware;

/// <summary>The memory check before loading: sizes by hand, refusals that name <c>Model:Dtype</c>.</summary>
public class WeightFootprintTests
{
    private const long GiB = 1L << 30;
    private static readonly CpuFeatures Avx2 = CpuFeatures.FromFlags("avx2 fma");
    private static readonly ComputeDeviceResolution Cpu = ComputeDeviceResolution.Resolve("cpu", 0);

    [Fact]
    public void Float32_weights_that_do_not_fit_are_refused_naming_the_dtype_setting_and_the_bfloat16_size()
    {
        // 8 Gi parameters: 32 GiB in float32, 16 GiB in bfloat16; 24 GiB available
        var auto = ComputeDtypeResolution.Resolve(null, DeviceType.CPU, Avx2);
        var e = Assert.Throws<ModelMemoryException>(() => WeightFootprint.Check(8 * GiB, auto, Cpu, 24 * GiB));
        Assert.StartsWith("Model:Dtype (--dtype) is auto, resolved to float32 (auto: the CPU has no native bfloat16", e.Message);
        Assert.Contains("need 32.00 GiB in float32, but 24.00 GiB of memory is available; set Model:Dtype=bfloat16 (--dtype bfloat16) to hold them in 16.00 GiB", e.Message);
    }

    [Fact]
    public void Weights_that_fit_pass_and_the_check_leaves_cuda_to_libtorch()
    {
        var float32 = ComputeDtypeResolution.Resolve(ComputeDtype.Float32, DeviceType.CPU, Avx2);
        WeightFootprint.Check(6 * GiB, float32, Cpu, 24 * GiB);                         // exactly 24 GiB
        WeightFootprint.Check(100 * GiB, float32, Cpu, null);                          // unknown: not checked
        WeightFootprint.Check(100 * GiB, float32, ComputeDeviceResolution.Resolve("cuda", 1), 1 * GiB);
        Assert.Throws<ModelMemoryException>(() => WeightFootprint.Check(6 * GiB + 1, float32, Cpu, 24 * GiB));
    }

    [Fact]
    public void Bfloat16_weights_that_do_not_fit_are_refused_with_the_sizes()
    {
        var bf16 = ComputeDtypeResolution.Resolve(ComputeDtype.BFloat16, DeviceType.CPU, Avx2);
        var e = Assert.Throws<ModelMemoryException>(() => WeightFootprint.Check(16 * GiB, bf16, Cpu, 20 * GiB));
        Assert.Contains("need 32.00 GiB in bfloat16, but 20.00 GiB of memory is available; use a machine with more memory", e.Message);
    }

    [Fact]
    public void The_log_line_states_the_float32_cost_against_bfloat16()
    {
        Assert.Equal("weights 4.00 GiB in float32 (2x the 2.00 GiB of bfloat16)", WeightFootprint.Describe(GiB, ComputeDtype.Float32));
        Assert.Equal("weights 2.00 GiB in bfloat16", WeightFootprint.Describe(GiB, ComputeDtype.BFloat16));
    }

    [Fact]
    public void Available_memory_is_mem_available_capped_by_the_cgroup_headroom()
    {
        Assert.Equal(20829916L * 1024, AvailableMemory.MemAvailable("MemTotal:       24599928 kB\nMemFree:        12000000 kB\nMemAvailable:   20829916 kB\n"));
        Assert.Null(AvailableMemory.MemAvailable("MemTotal: 1 kB\n"));
        Assert.Equal(6L << 30, AvailableMemory.CgroupHeadroom("8589934592\n", "2147483648\n"));
        Assert.Null(AvailableMemory.CgroupHeadroom("max\n", "2147483648\n"));
        Assert.True(AvailableMemory.Bytes() > 0);
    }
}
