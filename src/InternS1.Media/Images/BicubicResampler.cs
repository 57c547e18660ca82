namespace InternS1.Media.Images;

/// <summary>
/// Antialiased bicubic resize of 8-bit RGB images, written to match the reference of Intern-S1's
/// <c>GotOcr2ImageProcessorFast</c>: torchvision <c>F.resize(uint8 tensor, size, BICUBIC, antialias=True)</c>, i.e.
/// torch's <c>_upsample_bicubic2d_aa</c> on float32 followed by clamp(0, 255) and round-half-to-even.
/// The kernel is Keys' cubic with a = -0.5 (PIL's BICUBIC kernel); when shrinking, its support is widened by the
/// scale (antialiasing). Separable: the width pass first, then the height pass, each skipped when that size is
/// unchanged; weights are computed in float32 with torch's index rules and normalised to sum 1; no rounding between
/// passes. NOTE: PIL's BICUBIC uses the same kernel but fixed-point weights and rounds to 8 bits between the two
/// passes, so PIL-based results differ from these by at most a few levels on some pixels.
/// </summary>
public static class BicubicResampler
{
    private const float A = -0.5f;

    /// <summary>Resizes <paramref name="source"/> to <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static RgbImage Resize(RgbImage source, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (width == source.Width && height == source.Height)
            return new RgbImage(width, height, (byte[])source.Pixels.Clone());

        int inW = source.Width, inH = source.Height;
        float[] rows; // [inH, width, 3] after the width pass
        if (width != inW)
        {
            rows = new float[inH * width * 3];
            var wx = Weights.Compute(inW, width);
            var src = source.Pixels;
            for (var y = 0; y < inH; y++)
            {
                var srcRow = y * inW * 3;
                var dstRow = y * width * 3;
                for (var x = 0; x < width; x++)
                {
                    int start = wx.Start[x], count = wx.Count[x], wOff = x * wx.Stride;
                    float r = 0, g = 0, b = 0;
                    for (var k = 0; k < count; k++)
                    {
                        var w = wx.Values[wOff + k];
                        var p = srcRow + (start + k) * 3;
                        r += src[p] * w;
                        g += src[p + 1] * w;
                        b += src[p + 2] * w;
                    }
                    var d = dstRow + x * 3;
                    rows[d] = r;
                    rows[d + 1] = g;
                    rows[d + 2] = b;
                }
            }
        }
        else
        {
            rows = new float[inH * width * 3];
            for (var i = 0; i < rows.Length; i++) rows[i] = source.Pixels[i];
        }

        var output = new byte[width * height * 3];
        var rowLen = width * 3;
        if (height != inH)
        {
            var wy = Weights.Compute(inH, height);
            var acc = new float[rowLen];
            for (var y = 0; y < height; y++)
            {
                int start = wy.Start[y], count = wy.Count[y], wOff = y * wy.Stride;
                Array.Clear(acc);
                for (var k = 0; k < count; k++)
                {
                    var w = wy.Values[wOff + k];
                    var srcRow = (start + k) * rowLen;
                    for (var i = 0; i < rowLen; i++) acc[i] += rows[srcRow + i] * w;
                }
                var dstRow = y * rowLen;
                for (var i = 0; i < rowLen; i++) output[dstRow + i] = ToByte(acc[i]);
            }
        }
        else
        {
            for (var i = 0; i < output.Length; i++) output[i] = ToByte(rows[i]);
        }
        return new RgbImage(width, height, output);
    }

    /// <summary>torchvision's uint8 epilogue: clamp to [0, 255], round half to even.</summary>
    internal static byte ToByte(float v) => (byte)MathF.Round(Math.Clamp(v, 0f, 255f), MidpointRounding.ToEven);

    /// <summary>Keys' cubic convolution kernel with a = -0.5 (torch <c>aa_filter</c> for bicubic).</summary>
    internal static float Kernel(float x)
    {
        x = MathF.Abs(x);
        if (x < 1f) return ((A + 2f) * x - (A + 3f)) * x * x + 1f;
        if (x < 2f) return ((A * x - 5f * A) * x + 8f * A) * x - 4f * A;
        return 0f;
    }

    /// <summary>Per output index: first input index, tap count and normalised weights (torch's
    /// <c>_compute_indices_min_size_weights_aa</c>, including its float/double casts).</summary>
    internal sealed class Weights
    {
        public required int[] Start { get; init; }
        public required int[] Count { get; init; }
        public required float[] Values { get; init; }
        public required int Stride { get; init; }

        public static Weights Compute(int inSize, int outSize)
        {
            var scale = (float)inSize / outSize;
            var support = scale >= 1f ? 2f * scale : 2f;
            var invScale = scale >= 1f ? (float)(1.0 / scale) : 1f;
            var maxTaps = (int)Math.Ceiling(support) * 2 + 1;
            var start = new int[outSize];
            var count = new int[outSize];
            var values = new float[outSize * maxTaps];
            for (var i = 0; i < outSize; i++)
            {
                var center = (float)(scale * (i + 0.5));
                var xmin = Math.Max((long)((double)(center - support) + 0.5), 0L);
                var xsize = Math.Min((long)((double)(center + support) + 0.5), inSize) - xmin;
                xsize = Math.Clamp(xsize, 0L, maxTaps);
                var total = 0f;
                for (var j = 0; j < xsize; j++)
                {
                    var w = Kernel((float)(((double)((float)(j + xmin) - center) + 0.5) * invScale));
                    values[i * maxTaps + j] = w;
                    total += w;
                }
                if (total != 0f)
                    for (var j = 0; j < xsize; j++) values[i * maxTaps + j] /= total;
                start[i] = (int)xmin;
                count[i] = (int)xsize;
            }
            return new Weights { Start = start, Count = count, Values = values, Stride = maxTaps };
        }
    }
}
