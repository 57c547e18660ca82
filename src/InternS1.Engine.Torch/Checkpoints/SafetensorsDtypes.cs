using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>Facts about <see cref="SafetensorsDtype"/>: header names, element sizes, torch types.</summary>
public static class SafetensorsDtypes
{
    /// <summary>Parses a header dtype string (e.g. <c>BF16</c>); null when unknown.</summary>
    public static SafetensorsDtype? Parse(string name) =>
        Enum.TryParse<SafetensorsDtype>(name, ignoreCase: false, out var d) ? d : null;

    public static string Name(this SafetensorsDtype dtype) => dtype.ToString();

    public static int ElementSize(this SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F64 or SafetensorsDtype.I64 => 8,
        SafetensorsDtype.F32 or SafetensorsDtype.I32 => 4,
        SafetensorsDtype.F16 or SafetensorsDtype.BF16 or SafetensorsDtype.I16 => 2,
        _ => 1,
    };

    /// <summary>The torch type holding the raw elements; null for the 8-bit floats, which
    /// TorchSharp 0.107 has no type for (they are decoded in C#, see <see cref="Float8E4M3"/>).</summary>
    public static ScalarType? TorchType(this SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F64 => ScalarType.Float64,
        SafetensorsDtype.F32 => ScalarType.Float32,
        SafetensorsDtype.F16 => ScalarType.Float16,
        SafetensorsDtype.BF16 => ScalarType.BFloat16,
        SafetensorsDtype.I64 => ScalarType.Int64,
        SafetensorsDtype.I32 => ScalarType.Int32,
        SafetensorsDtype.I16 => ScalarType.Int16,
        SafetensorsDtype.I8 => ScalarType.Int8,
        SafetensorsDtype.U8 => ScalarType.Byte,
        SafetensorsDtype.BOOL => ScalarType.Bool,
        _ => null,
    };

    /// <summary>The safetensors dtype of a torch type (for writing).</summary>
    public static SafetensorsDtype FromTorch(ScalarType type) => type switch
    {
        ScalarType.Float64 => SafetensorsDtype.F64,
        ScalarType.Float32 => SafetensorsDtype.F32,
        ScalarType.Float16 => SafetensorsDtype.F16,
        ScalarType.BFloat16 => SafetensorsDtype.BF16,
        ScalarType.Int64 => SafetensorsDtype.I64,
        ScalarType.Int32 => SafetensorsDtype.I32,
        ScalarType.Int16 => SafetensorsDtype.I16,
        ScalarType.Int8 => SafetensorsDtype.I8,
        ScalarType.Byte => SafetensorsDtype.U8,
        ScalarType.Bool => SafetensorsDtype.BOOL,
        _ => throw new ArgumentException($"torch type {type} has no safetensors dtype", nameof(type)),
    };
}
