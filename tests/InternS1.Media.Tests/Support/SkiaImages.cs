using System.Runtime.InteropServices;
using SkiaSharp;

namespace InternS1.Media.Tests.Support;

/// <summary>Encodes test pixels with SkiaSharp (JPEG, lossless WebP, BMP-free formats the test PNG writer lacks).</summary>
public static class SkiaImages
{
    public static byte[] Encode(int width, int height, Func<int, int, (byte R, byte G, byte B)> pixel, SKEncodedImageFormat format, int quality = 100)
    {
        var rgba = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = pixel(x, y);
                var i = (y * width + x) * 4;
                (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]) = (r, g, b, 255);
            }
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var image = SKImage.FromBitmap(bitmap);
        if (format == SKEncodedImageFormat.Webp)
        {
            using var pixmap = image.PeekPixels();
            using var webp = pixmap!.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100));
            return webp!.ToArray();
        }
        using var data = image.Encode(format, quality);
        return data!.ToArray();
    }
}
