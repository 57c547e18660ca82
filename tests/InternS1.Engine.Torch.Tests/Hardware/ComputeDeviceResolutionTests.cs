using InternS1.Engine.Torch.Running;
using TorchSharp;

namespace InternS1.Engine.Torch.Tests.Hardware;

/// <summary><c>Model:Device</c> resolved against what libtorch reports (given CUDA device counts).</summary>
public class ComputeDeviceResolutionTests
{
    [Theory]
    [InlineData("auto", 0, "cpu")]
    [InlineData("auto", 2, "cuda:0")]
    [InlineData(null, 1, "cuda:0")]
    [InlineData("", 0, "cpu")]
    [InlineData("cpu", 0, "cpu")]
    [InlineData("cpu", 4, "cpu")]
    [InlineData("cuda", 1, "cuda:0")]
    [InlineData("CUDA:1", 2, "cuda:1")]
    [InlineData("cuda:3", 4, "cuda:3")]
    public void Auto_takes_cuda_when_libtorch_reports_it_and_explicit_devices_are_kept(string? setting, int cudaDevices, string expected)
    {
        var resolution = ComputeDeviceResolution.Resolve(setting, cudaDevices);
        Assert.Equal(expected, resolution.Name);
        Assert.Equal(expected == "cpu" ? DeviceType.CPU : DeviceType.CUDA, resolution.Type);
    }

    [Theory]
    [InlineData("cuda", 0, "device 'cuda': libtorch reports no CUDA device")]
    [InlineData("cuda:0", 0, "device 'cuda:0': libtorch reports no CUDA device")]
    [InlineData("cuda:2", 2, "device 'cuda:2': libtorch reports 2 CUDA device(s) (cuda:0..cuda:1)")]
    [InlineData("gpu", 1, "device 'gpu' is not supported: use auto, cpu, cuda or cuda:N")]
    [InlineData("cuda:-1", 1, "device 'cuda:-1' is not supported")]
    [InlineData("meta", 0, "device 'meta' is not supported")]
    public void Devices_libtorch_does_not_have_are_refused_with_what_it_has(string setting, int cudaDevices, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => ComputeDeviceResolution.Resolve(setting, cudaDevices));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void This_cpu_build_resolves_auto_to_the_cpu()
    {
        Assert.False(torch.cuda.is_available());
        Assert.Equal("cpu", ComputeDeviceResolution.ResolveHere("auto").Name);
    }
}
