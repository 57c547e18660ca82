namespace InternS1.Media.Tests.Support;

/// <summary>
/// A minimal animated GIF writer for the tests: a 4-colour global palette and one solid-index image per frame.
/// LZW data uses 3-bit codes only: a clear code before every two pixel codes keeps the code table from growing.
/// </summary>
public static class GifWriter
{
    public static byte[] SolidFrames(int width, int height, (byte R, byte G, byte B)[] palette4, params int[] frameColorIndices)
    {
        using var ms = new MemoryStream();
        ms.Write("GIF89a"u8);
        ms.Write([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8)]);
        ms.WriteByte(0b1000_0001); // global colour table, 2^(1+1) = 4 entries
        ms.WriteByte(0);           // background colour index
        ms.WriteByte(0);           // aspect
        foreach (var (r, g, b) in palette4) ms.Write([r, g, b]);
        // Netscape loop extension (animated).
        ms.Write([0x21, 0xFF, 0x0B]);
        ms.Write("NETSCAPE2.0"u8);
        ms.Write([0x03, 0x01, 0x00, 0x00, 0x00]);
        foreach (var colour in frameColorIndices)
        {
            ms.Write([0x21, 0xF9, 0x04, 0x00, 0x0A, 0x00, 0x00, 0x00]); // graphic control: 0.1 s, no transparency
            ms.WriteByte(0x2C);
            ms.Write([0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0]);
            ms.WriteByte(2); // LZW minimum code size
            var data = Lzw(width * height, colour);
            for (var i = 0; i < data.Length; i += 255)
            {
                var n = Math.Min(255, data.Length - i);
                ms.WriteByte((byte)n);
                ms.Write(data, i, n);
            }
            ms.WriteByte(0);
        }
        ms.WriteByte(0x3B);
        return ms.ToArray();
    }

    private static byte[] Lzw(int pixels, int index)
    {
        const int clear = 4, end = 5;
        var codes = new List<int>();
        for (var p = 0; p < pixels; p++)
        {
            if (p % 2 == 0) codes.Add(clear);
            codes.Add(index);
        }
        codes.Add(end);
        var bytes = new List<byte>();
        int acc = 0, bits = 0;
        foreach (var code in codes)
        {
            acc |= code << bits;
            bits += 3;
            while (bits >= 8) { bytes.Add((byte)acc); acc >>= 8; bits -= 8; }
        }
        if (bits > 0) bytes.Add((byte)acc);
        return bytes.ToArray();
    }
}
