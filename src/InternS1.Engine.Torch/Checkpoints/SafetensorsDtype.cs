namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>Element types of the safetensors format (the header's <c>dtype</c> strings).</summary>
public enum SafetensorsDtype
{
    F64,
    F32,
    F16,
    BF16,
    /// <summary>8-bit float, 4 exponent bits, 3 mantissa bits, no infinities (torch <c>float8_e4m3fn</c>).</summary>
    F8_E4M3,
    F8_E5M2,
    I64,
    I32,
    I16,
    I8,
    U8,
    BOOL,
}
