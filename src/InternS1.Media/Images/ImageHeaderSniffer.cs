using System.Buffers.Binary;

namespace InternS1.Media.Images;

/// <summary>Reads width and height from PNG and GIF headers without decoding (used when Skia refuses a header).</summary>
internal static class ImageHeaderSniffer
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool TryReadSize(ReadOnlySpan<byte> bytes, out int width, out int height)
    {
        width = height = 0;
        // PNG: signature, then the IHDR chunk (length, "IHDR", width, height big-endian).
        if (bytes.Length >= 24 && bytes[..8].SequenceEqual(PngSignature) && bytes.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            var w = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(16, 4));
            var h = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(20, 4));
            if (w is 0 or > int.MaxValue || h is 0 or > int.MaxValue) return false;
            (width, height) = ((int)w, (int)h);
            return true;
        }
        // GIF: "GIF87a"/"GIF89a", logical screen width and height little-endian.
        if (bytes.Length >= 10 && (bytes[..6].SequenceEqual("GIF87a"u8) || bytes[..6].SequenceEqual("GIF89a"u8)))
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(6, 2));
            height = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(8, 2));
            return width > 0 && height > 0;
        }
        return false;
    }
}
