using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace InternS1.Media.Tests.Support;

/// <summary>A minimal PNG writer written for the tests (independent of SkiaSharp): 8-bit RGB or RGBA, filter 0, zlib.</summary>
public static class PngWriter
{
    public static byte[] Rgb(int width, int height, Func<int, int, (byte R, byte G, byte B)> pixel) =>
        Write(width, height, 3, (x, y) => { var (r, g, b) = pixel(x, y); return [r, g, b]; });

    public static byte[] Rgba(int width, int height, Func<int, int, (byte R, byte G, byte B, byte A)> pixel) =>
        Write(width, height, 4, (x, y) => { var (r, g, b, a) = pixel(x, y); return [r, g, b, a]; });

    /// <summary>A PNG whose IHDR claims <paramref name="width"/> x <paramref name="height"/> but carries almost no data.</summary>
    public static byte[] HeaderOnly(uint width, uint height)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(ms, "IHDR", Ihdr(width, height, 2));
        Chunk(ms, "IDAT", Deflate(new byte[64]));
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static byte[] Write(int width, int height, int channels, Func<int, int, byte[]> pixel)
    {
        var raw = new byte[height * (1 + width * channels)];
        var i = 0;
        for (var y = 0; y < height; y++)
        {
            raw[i++] = 0; // filter: none
            for (var x = 0; x < width; x++)
                foreach (var v in pixel(x, y)) raw[i++] = v;
        }
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(ms, "IHDR", Ihdr((uint)width, (uint)height, channels == 4 ? (byte)6 : (byte)2));
        Chunk(ms, "IDAT", Deflate(raw));
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static byte[] Ihdr(uint width, uint height, byte colorType)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;          // bit depth
        ihdr[9] = colorType;  // 2 = RGB, 6 = RGBA
        return ihdr;          // compression, filter, interlace = 0
    }

    private static byte[] Deflate(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(len, (uint)data.Length);
        s.Write(len);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(len, Crc32(typeAndData));
        s.Write(len);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return crc ^ 0xFFFFFFFFu;
    }
}
