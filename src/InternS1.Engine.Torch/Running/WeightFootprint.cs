using TorchSharp;

namespace InternS1.Engine.Torch.Running;

/// <summary>
/// What the weights cost in memory in the resolved dtype, checked before any weight is read: on the CPU the
/// load is refused (<see cref="ModelMemoryException"/>, naming the dtype setting) when they would not fit in the
/// memory available; float32 on a bfloat16 checkpoint doubles the bytes, and the message says so.
/// </summary>
public static class WeightFootprint
{
    private const double GiB = 1024.0 * 1024 * 1024;

    /// <summary>One log line: the weights' bytes in the resolved dtype (and in bfloat16 when that is float32).</summary>
    public static string Describe(long parameters, ComputeDtype dtype) => dtype == ComputeDtype.Float32
        ? $"weights {parameters * 4 / GiB:F2} GiB in float32 (2x the {parameters * 2 / GiB:F2} GiB of bfloat16)"
        : $"weights {parameters * 2 / GiB:F2} GiB in bfloat16";

    /// <summary>Throws when <paramref name="parameters"/> weights in <paramref name="dtype"/> need more than
    /// <paramref name="availableBytes"/> (null = unknown: not checked) on a CPU <paramref name="device"/>.</summary>
    /// <exception cref="ModelMemoryException">The weights would not fit.</exception>
    public static void Check(long parameters, ComputeDtypeResolution dtype, ComputeDeviceResolution device, long? availableBytes)
    {
        // NOTE: CUDA weights live in device memory; libtorch reports an out-of-memory there itself.
        if (device.Type != DeviceType.CPU || availableBytes is not { } available) return;
        var needed = parameters * dtype.Dtype.ElementBytes();
        if (needed <= available) return;
        var setting = $"Model:Dtype (--dtype) is {dtype.Requested.SettingName()}, resolved to {dtype.Dtype.Name()}";
        var advice = dtype.Dtype == ComputeDtype.Float32
            ? $"set Model:Dtype=bfloat16 (--dtype bfloat16) to hold them in {parameters * 2 / GiB:F2} GiB (slower matmuls on a CPU without native bfloat16), or use a machine with more memory"
            : "use a machine with more memory, or a smaller model (e.g. Intern-S1-mini)";
        throw new ModelMemoryException(
            $"{setting} ({dtype.Reason}): the {parameters:N0} weights need {needed / GiB:F2} GiB in {dtype.Dtype.Name()}, " +
            $"but {available / GiB:F2} GiB of memory is available; {advice}");
    }
}
