namespace InternS1.Text.Tokenization;

/// <summary>GPT-2's reversible byte &lt;-&gt; printable character map used by byte-level BPE vocabularies.</summary>
internal static class ByteLevel
{
    /// <summary>Character that stands for each byte value.</summary>
    public static readonly char[] ByteToChar = BuildByteToChar();

    /// <summary>Byte value of each mapped character, -1 for characters outside the map.</summary>
    public static readonly short[] CharToByte = BuildCharToByte();

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var n = 0;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)(256 + n++);
        }
        return map;
    }

    private static short[] BuildCharToByte()
    {
        var table = new short[512];
        Array.Fill(table, (short)-1);
        for (var b = 0; b < 256; b++) table[ByteToChar[b]] = (short)b;
        return table;
    }

    /// <summary>Bytes of a vocabulary token; characters outside the map contribute their UTF-8 bytes.</summary>
    public static byte[] TokenBytes(string token)
    {
        var bytes = new List<byte>(token.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in token.EnumerateRunes())
        {
            var v = rune.Value;
            if (v < CharToByte.Length && CharToByte[v] >= 0) bytes.Add((byte)CharToByte[v]);
            else bytes.AddRange(utf8[..rune.EncodeToUtf8(utf8)].ToArray());
        }
        return bytes.ToArray();
    }

    /// <summary>Maps UTF-8 bytes of <paramref name="text"/> to the byte-level alphabet.</summary>
    public static string Encode(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }
}
