using System.Runtime.InteropServices;
using SkiaSharp;

namespace InternS1.Media.Images;

/// <summary>
/// Decodes PNG, JPEG, WebP, GIF (first frame), BMP and ICO with SkiaSharp into <see cref="RgbImage"/>, the way the
/// reference loader does (transformers <c>load_image</c>: <c>PIL.ImageOps.exif_transpose</c> then
/// <c>convert("RGB")</c>):
/// <list type="bullet">
/// <item>EXIF orientation (1..8) is applied;</item>
/// <item>alpha is dropped, not composited: pixels are decoded unpremultiplied (Rgba8888 requested explicitly;
/// Linux's default is Bgra8888) and the stored R,G,B are kept, as PIL's <c>convert("RGB")</c> does (transparent
/// areas keep their stored colour, often black);</item>
/// <item>no colour management (ICC profiles ignored, as PIL does).</item>
/// </list>
/// The pixel count is checked from the header before any pixel is decoded (decompression bombs).
/// </summary>
public static class ImageDecoder
{
    /// <summary>
    /// The size of the image as <see cref="Decode"/> would return it (EXIF orientation applied), read from the header
    /// only: no pixel is decoded. Throws <see cref="MediaException"/> as <see cref="Decode"/> does for a header it
    /// cannot read or a pixel count over <paramref name="maxPixels"/>.
    /// </summary>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> encoded, long maxPixels)
    {
        using var data = SKData.CreateCopy(encoded.IsEmpty ? throw MediaException.Unreadable("image is empty (0 bytes)") : encoded);
        using var codec = OpenCodec(data, encoded, maxPixels);
        var info = codec.Info;
        return (int)codec.EncodedOrigin is >= 5 and <= 8 ? (info.Height, info.Width) : (info.Width, info.Height);
    }

    /// <summary>Decodes <paramref name="encoded"/>; throws <see cref="MediaException"/> (unreadable or too large).</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, long maxPixels)
    {
        if (encoded.IsEmpty) throw MediaException.Unreadable("image is empty (0 bytes)");
        using var data = SKData.CreateCopy(encoded);
        using var codec = OpenCodec(data, encoded, maxPixels);
        var info = codec.Info;

        var decodeInfo = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[(long)info.Width * info.Height * 4];
        SKCodecResult result;
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            // Frame 0: the first frame of GIF / animated WebP.
            result = codec.GetPixels(decodeInfo, handle.AddrOfPinnedObject(), decodeInfo.RowBytes, new SKCodecOptions(0));
        }
        finally
        {
            handle.Free();
        }
        if (result == SKCodecResult.IncompleteInput)
            throw MediaException.Unreadable($"image data is truncated ({encoded.Length} bytes, {info.Width}x{info.Height} declared)");
        if (result != SKCodecResult.Success)
            throw MediaException.Unreadable($"image could not be decoded: {result}");

        return ExifOrientation.ToRgb(rgba, info.Width, info.Height, (int)codec.EncodedOrigin);
    }

    /// <summary>The codec of <paramref name="data"/> after the header checks (decodable, has pixels, within the limit).</summary>
    private static SKCodec OpenCodec(SKData data, ReadOnlySpan<byte> encoded, long maxPixels)
    {
        var codec = SKCodec.Create(data);
        if (codec is null)
        {
            // Skia refuses some headers outright (e.g. absurd dimensions): report those as too large when we can read them.
            if (ImageHeaderSniffer.TryReadSize(encoded, out var w, out var h) && (long)w * h > maxPixels)
                throw TooLarge(w, h, maxPixels);
            throw MediaException.Unreadable($"not a decodable image ({Describe(encoded)}); supported: PNG, JPEG, WebP, GIF, BMP");
        }
        var info = codec.Info;
        if (info.Width < 1 || info.Height < 1 || (long)info.Width * info.Height > maxPixels)
        {
            codec.Dispose();
            if (info.Width < 1 || info.Height < 1) throw MediaException.Unreadable($"image has no pixels ({info.Width}x{info.Height})");
            throw TooLarge(info.Width, info.Height, maxPixels);
        }
        return codec;
    }

    private static MediaException TooLarge(int w, int h, long maxPixels) =>
        MediaException.TooLarge($"image is {w}x{h} = {(long)w * h} pixels, over the limit of {maxPixels} pixels");

    private static string Describe(ReadOnlySpan<byte> bytes)
    {
        var head = Convert.ToHexString(bytes[..Math.Min(8, bytes.Length)]);
        return $"{bytes.Length} bytes starting 0x{head}";
    }
}
