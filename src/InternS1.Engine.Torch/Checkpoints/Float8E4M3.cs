namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>
/// Decodes <c>F8_E4M3</c> (torch <c>float8_e4m3fn</c>): 1 sign bit, 4 exponent bits (bias 7),
/// 3 mantissa bits; exponent 0 is subnormal (m/8 x 2^-6); S.1111.111 is NaN; no infinities;
/// the largest value is 448. TorchSharp 0.107 has no float8 type, so decoding is a table lookup here.
/// </summary>
public static class Float8E4M3
{
    private static readonly float[] Table = BuildTable();

    /// <summary>The value of one encoded byte.</summary>
    public static float ToFloat(byte bits) => Table[bits];

    /// <summary>Decodes <paramref name="source"/> into <paramref name="destination"/> (same length).</summary>
    public static void Decode(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (destination.Length != source.Length)
            throw new ArgumentException("source and destination lengths differ");
        var table = Table;
        for (var i = 0; i < source.Length; i++) destination[i] = table[source[i]];
    }

    private static float[] BuildTable()
    {
        var table = new float[256];
        for (var b = 0; b < 256; b++)
        {
            var sign = (b & 0x80) != 0 ? -1f : 1f;
            var exponent = (b >> 3) & 0xF;
            var mantissa = b & 0x7;
            float magnitude;
            if (exponent == 0xF && mantissa == 0x7) magnitude = float.NaN;
            else if (exponent == 0) magnitude = mantissa / 8f * MathF.Pow(2, -6);
            else magnitude = (1 + mantissa / 8f) * MathF.Pow(2, exponent - 7);
            table[b] = sign * magnitude;
        }
        return table;
    }
}
