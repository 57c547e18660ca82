namespace InternS1.Text.Structured.Automata;

/// <summary>Splits a range of Unicode scalars into sequences of byte ranges whose concatenations are exactly the
/// UTF-8 encodings of the range (the construction RE2 and Rust's regex-syntax use).</summary>
internal static class Utf8Sequences
{
    private static readonly int[] MaxForLength = [0x7F, 0x7FF, 0xFFFF, 0x10FFFF];

    /// <summary>Byte-range sequences for the scalars in [<paramref name="lo"/>, <paramref name="hi"/>] (no surrogates).</summary>
    public static List<(byte Lo, byte Hi)[]> Of(int lo, int hi)
    {
        var result = new List<(byte Lo, byte Hi)[]>();
        var stack = new Stack<(int Lo, int Hi)>();
        stack.Push((lo, hi));
        while (stack.Count > 0)
        {
            var (a, b) = stack.Pop();
            if (a > b) continue;
            if (a <= 0xDFFF && b >= 0xD800)
            {
                stack.Push((0xE000, b));
                stack.Push((a, 0xD7FF));
                continue;
            }
            var split = false;
            for (var n = 0; n < 3; n++)
            {
                if (a <= MaxForLength[n] && b > MaxForLength[n])
                {
                    stack.Push((MaxForLength[n] + 1, b));
                    stack.Push((a, MaxForLength[n]));
                    split = true;
                    break;
                }
            }
            if (split) continue;
            if (b <= 0x7F)
            {
                result.Add([((byte)a, (byte)b)]);
                continue;
            }
            var len = b <= 0x7FF ? 2 : b <= 0xFFFF ? 3 : 4;
            for (var k = 1; k < len; k++)
            {
                var m = (1 << (6 * k)) - 1;
                if ((a & ~m) != (b & ~m))
                {
                    if ((a & m) != 0) { stack.Push(((a | m) + 1, b)); stack.Push((a, a | m)); split = true; break; }
                    if ((b & m) != m) { stack.Push((b & ~m, b)); stack.Push((a, (b & ~m) - 1)); split = true; break; }
                }
            }
            if (split) continue;
            var ea = Encode(a);
            var eb = Encode(b);
            var seq = new (byte, byte)[len];
            for (var k = 0; k < len; k++) seq[k] = (ea[k], eb[k]);
            result.Add(seq);
        }
        return result;
    }

    private static byte[] Encode(int cp)
    {
        var buffer = new byte[4];
        var n = new System.Text.Rune(cp).EncodeToUtf8(buffer);
        return buffer[..n];
    }
}
