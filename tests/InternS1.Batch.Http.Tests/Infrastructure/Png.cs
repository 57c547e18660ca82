using SkiaSharp;

namespace InternS1.Batch.Http.Tests.Infrastructure;

/// <summary>PNG images for media tests.</summary>
public static class Png
{
    /// <summary>A width x height gradient. A square image is one 448-pixel tile: 256 image tokens.</summary>
    public static byte[] Gradient(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 4), (byte)(y * 5), 128));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Random pixels (PNG cannot compress them: about width x height x 4 bytes), to exceed a size limit.</summary>
    public static byte[] Noise(int width, int height)
    {
        var rng = new Random(1);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256)));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
