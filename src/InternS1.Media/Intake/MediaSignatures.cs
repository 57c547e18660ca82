namespace InternS1.Media.Intake;

/// <summary>The media type of encoded bytes from their leading signature (magic numbers).</summary>
public static class MediaSignatures
{
    /// <summary>Used when no known signature matches.</summary>
    public const string Unknown = "application/octet-stream";

    /// <summary>The media type of <paramref name="bytes"/>, or <see cref="Unknown"/>.</summary>
    public static string Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return "image/png";
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "image/jpeg";
        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8)) return "image/gif";
        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes.Slice(8, 4).SequenceEqual("WEBP"u8)) return "image/webp";
        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes.Slice(8, 4).SequenceEqual("AVI "u8)) return "video/x-msvideo";
        if (bytes.StartsWith("BM"u8)) return "image/bmp";
        if (bytes.Length >= 12 && bytes.Slice(4, 4).SequenceEqual("ftyp"u8))
            return bytes.Slice(8, 4).SequenceEqual("qt  "u8) ? "video/quicktime" : "video/mp4";
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3])) return "video/webm";
        return Unknown;
    }
}
