using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Running;

/// <summary>Parsing and torch mapping of <see cref="ComputeDtype"/>.</summary>
public static class ComputeDtypes
{
    /// <summary>The setting that lets the runner choose (<see cref="ComputeDtypeResolution.Resolve"/>).</summary>
    public const string Auto = "auto";

    /// <summary>Parses <c>float32</c>/<c>fp32</c> or <c>bfloat16</c>/<c>bf16</c> (case-insensitive).</summary>
    public static ComputeDtype Parse(string text) => ParseSetting(text)
        ?? throw new ArgumentException($"--dtype '{text}' is not supported here: use float32 or bfloat16");

    /// <summary>Parses a dtype setting: <c>auto</c> (null: resolved at load from the device and CPU), <c>float32</c>/<c>fp32</c>
    /// or <c>bfloat16</c>/<c>bf16</c> (case-insensitive).</summary>
    public static ComputeDtype? ParseSetting(string text) => text.Trim().ToLowerInvariant() switch
    {
        Auto => null,
        "float32" or "fp32" or "f32" => ComputeDtype.Float32,
        "bfloat16" or "bf16" => ComputeDtype.BFloat16,
        _ => throw new ArgumentException($"dtype '{text}' is not supported: use auto, float32 or bfloat16"),
    };

    public static ScalarType ToScalarType(this ComputeDtype dtype) =>
        dtype == ComputeDtype.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32;

    public static int ElementBytes(this ComputeDtype dtype) => dtype == ComputeDtype.BFloat16 ? 2 : 4;

    public static string Name(this ComputeDtype dtype) => dtype == ComputeDtype.BFloat16 ? "bfloat16" : "float32";

    /// <summary><c>auto</c> for null, else the dtype's name.</summary>
    public static string SettingName(this ComputeDtype? dtype) => dtype is { } d ? d.Name() : Auto;
}
