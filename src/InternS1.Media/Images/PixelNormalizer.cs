namespace InternS1.Media.Images;

/// <summary>
/// Rescale + normalise of 8-bit channels into float32, as a 256-entry table per channel. With rescale and normalise
/// both on, the values are those of transformers' fast processors, which fuse the two steps:
/// <c>(float)v - (float)mean*255f) / ((float)std*255f)</c> in float32 (here: 1/rescale_factor instead of 255).
/// </summary>
public sealed class PixelNormalizer
{
    private readonly float[][] _table;

    public PixelNormalizer(bool doRescale, double rescaleFactor, bool doNormalize, IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        if (mean.Count != 3 || std.Count != 3) throw new ArgumentException("mean and std need 3 values (R, G, B)");
        _table = new float[3][];
        for (var c = 0; c < 3; c++)
        {
            var t = new float[256];
            for (var v = 0; v < 256; v++)
            {
                if (doRescale && doNormalize)
                {
                    var inv = (float)(1.0 / rescaleFactor);
                    t[v] = ((float)v - (float)mean[c] * inv) / ((float)std[c] * inv);
                }
                else if (doRescale) t[v] = (float)v * (float)rescaleFactor;
                else if (doNormalize) t[v] = ((float)v - (float)mean[c]) / (float)std[c];
                else t[v] = v;
            }
            _table[c] = t;
        }
    }

    /// <summary>The float value of 8-bit <paramref name="value"/> in <paramref name="channel"/> (0 = R).</summary>
    public float this[int channel, byte value] => _table[channel][value];

    /// <summary>
    /// Writes the <paramref name="size"/> x <paramref name="size"/> square of <paramref name="image"/> at
    /// (<paramref name="left"/>, <paramref name="top"/>) as CHW floats into <paramref name="destination"/>
    /// (3 x size x size values).
    /// </summary>
    public void WriteTile(RgbImage image, int left, int top, int size, Span<float> destination)
    {
        if (left < 0 || top < 0 || left + size > image.Width || top + size > image.Height)
            throw new ArgumentOutOfRangeException(nameof(left), $"tile {left},{top}+{size} is outside the {image.Width}x{image.Height} image");
        var plane = size * size;
        if (destination.Length < 3 * plane) throw new ArgumentException("destination too small", nameof(destination));
        var src = image.Pixels;
        float[] tr = _table[0], tg = _table[1], tb = _table[2];
        for (var y = 0; y < size; y++)
        {
            var s = ((top + y) * image.Width + left) * 3;
            var d = y * size;
            for (var x = 0; x < size; x++, s += 3, d++)
            {
                destination[d] = tr[src[s]];
                destination[plane + d] = tg[src[s + 1]];
                destination[2 * plane + d] = tb[src[s + 2]];
            }
        }
    }
}
