using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Running;

/// <summary>
/// The device a runner places its tensors on (weights, KV pool, step inputs, sampling state, media features)
/// and why. Settings: <c>auto</c> (CUDA device 0 when libtorch reports one, else the CPU), <c>cpu</c>,
/// <c>cuda</c> (= <c>cuda:0</c>) or <c>cuda:N</c>. Only the sampled token ids come back to the host, once per step.
/// </summary>
/// <param name="Type">CPU or CUDA.</param>
/// <param name="Index">The CUDA device index (-1 for the CPU).</param>
/// <param name="Reason">Why, in words (logged at load).</param>
public sealed record ComputeDeviceResolution(DeviceType Type, int Index, string Reason)
{
    /// <summary>The setting that lets the runner choose.</summary>
    public const string Auto = "auto";

    /// <summary><c>cpu</c> or <c>cuda:N</c>.</summary>
    public string Name => Type == DeviceType.CUDA ? $"cuda:{Index}" : "cpu";

    /// <summary>The torch device.</summary>
    public Device ToDevice() => Type == DeviceType.CUDA ? torch.device(DeviceType.CUDA, Index) : torch.CPU;

    /// <summary>Checks the syntax of a setting (<c>auto</c>, <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>, case-insensitive);
    /// returns null when valid, else the problem.</summary>
    public static string? Validate(string setting) => TryParse(setting, out _, out _) ? null
        : $"device '{setting}' is not supported: use auto, cpu, cuda or cuda:N";

    /// <summary>Resolves <paramref name="setting"/> against what libtorch reports (<paramref name="cudaDevices"/> = 0 on a CPU build).</summary>
    /// <exception cref="ArgumentException">An invalid setting, or a CUDA device libtorch does not report.</exception>
    public static ComputeDeviceResolution Resolve(string? setting, int cudaDevices)
    {
        setting = string.IsNullOrWhiteSpace(setting) ? Auto : setting;
        if (!TryParse(setting, out var type, out var index))
            throw new ArgumentException(Validate(setting));
        if (type is null)
            return cudaDevices > 0
                ? new ComputeDeviceResolution(DeviceType.CUDA, 0, $"auto: libtorch reports {cudaDevices} CUDA device(s)")
                : new ComputeDeviceResolution(DeviceType.CPU, -1, "auto: libtorch reports no CUDA device (a CPU build, or no GPU)");
        if (type == DeviceType.CPU)
            return new ComputeDeviceResolution(DeviceType.CPU, -1, "set explicitly");
        if (cudaDevices == 0)
            throw new ArgumentException($"device '{setting}': libtorch reports no CUDA device (this is a CPU build or the machine has no GPU); " +
                                        "use auto or cpu, or build with -p:InternS1Cuda=true on a machine with a GPU");
        if (index >= cudaDevices)
            throw new ArgumentException($"device '{setting}': libtorch reports {cudaDevices} CUDA device(s) (cuda:0..cuda:{cudaDevices - 1})");
        return new ComputeDeviceResolution(DeviceType.CUDA, index, "set explicitly");
    }

    /// <summary>Resolves <paramref name="setting"/> on this machine (asks libtorch for CUDA devices).</summary>
    public static ComputeDeviceResolution ResolveHere(string? setting) =>
        Resolve(setting, torch.cuda.is_available() ? torch.cuda.device_count() : 0);

    private static bool TryParse(string setting, out DeviceType? type, out int index)
    {
        var s = setting.Trim().ToLowerInvariant();
        (type, index) = (null, -1);
        if (s == Auto) return true;
        if (s == "cpu") { type = DeviceType.CPU; return true; }
        if (s == "cuda") { (type, index) = (DeviceType.CUDA, 0); return true; }
        if (s.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(s[5..], System.Globalization.NumberStyles.None, null, out var n))
        {
            (type, index) = (DeviceType.CUDA, n);
            return true;
        }
        return false;
    }
}
