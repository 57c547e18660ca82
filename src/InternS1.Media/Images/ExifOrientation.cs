namespace InternS1.Media.Images;

/// <summary>
/// Applies an EXIF orientation while dropping alpha from RGBA. Same transforms as PIL's <c>exif_transpose</c>:
/// 2 mirror left-right, 3 rotate 180, 4 mirror top-bottom, 5 transpose, 6 rotate 90 clockwise, 7 transverse,
/// 8 rotate 90 counter-clockwise; other values leave the image as stored.
/// </summary>
internal static class ExifOrientation
{
    public static RgbImage ToRgb(byte[] rgba, int width, int height, int orientation)
    {
        var swap = orientation is >= 5 and <= 8;
        int outW = swap ? height : width, outH = swap ? width : height;
        var rgb = new byte[outW * outH * 3];
        for (var dy = 0; dy < outH; dy++)
        {
            for (var dx = 0; dx < outW; dx++)
            {
                var (sx, sy) = orientation switch
                {
                    2 => (width - 1 - dx, dy),
                    3 => (width - 1 - dx, height - 1 - dy),
                    4 => (dx, height - 1 - dy),
                    5 => (dy, dx),
                    6 => (dy, height - 1 - dx),
                    7 => (width - 1 - dy, height - 1 - dx),
                    8 => (width - 1 - dy, dx),
                    _ => (dx, dy),
                };
                var s = (sy * width + sx) * 4;
                var d = (dy * outW + dx) * 3;
                rgb[d] = rgba[s];
                rgb[d + 1] = rgba[s + 1];
                rgb[d + 2] = rgba[s + 2];
            }
        }
        return new RgbImage(outW, outH, rgb);
    }
}
