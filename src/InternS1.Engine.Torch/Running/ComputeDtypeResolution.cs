using InternS1.Engine.Torch.Hardware;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Running;

/// <summary>
/// The compute dtype a runner uses and why. <c>auto</c> resolves once, at load: bfloat16 on CUDA and on CPUs
/// with native bfloat16 matrix instructions (AVX512_BF16 or AMX-BF16), float32 on other CPUs, where libtorch
/// emulates bfloat16 matmuls and a batched decode step costs about as much per token as a single one (the
/// weights are then converted to float32 at load: twice the memory of a bfloat16 checkpoint).
/// </summary>
/// <param name="Dtype">The dtype weights, activations and the KV cache use.</param>
/// <param name="Requested">The setting: null for <c>auto</c>.</param>
/// <param name="Reason">Why, in words (logged at load and printed by the benchmarks).</param>
public sealed record ComputeDtypeResolution(ComputeDtype Dtype, ComputeDtype? Requested, string Reason)
{
    /// <summary>Resolves <paramref name="requested"/> (null = auto) for a model on <paramref name="device"/>, given the CPU's features.</summary>
    public static ComputeDtypeResolution Resolve(ComputeDtype? requested, DeviceType device, CpuFeatures cpu)
    {
        if (requested is { } chosen)
            return new ComputeDtypeResolution(chosen, requested, $"set explicitly (CPU: {cpu.Summary})");
        if (device == DeviceType.CUDA)
            return new ComputeDtypeResolution(ComputeDtype.BFloat16, null, "auto: CUDA runs bfloat16 matmuls natively");
        if (device != DeviceType.CPU)
            return new ComputeDtypeResolution(ComputeDtype.BFloat16, null, $"auto: bfloat16 on the {device.ToString().ToLowerInvariant()} device");
        return cpu.HasNativeBf16Matmul
            ? new ComputeDtypeResolution(ComputeDtype.BFloat16, null, $"auto: the CPU has native bfloat16 matrix instructions ({cpu.Summary})")
            : new ComputeDtypeResolution(ComputeDtype.Float32, null,
                $"auto: the CPU has no native bfloat16 matrix instructions ({cpu.Summary}), so bfloat16 matmuls would be emulated; float32 compute, weights converted at load");
    }
}
