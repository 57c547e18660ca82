using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
        var rows = width != inW ? HorizontalPass(source, width) : ToFloat(source.Pixels);
        var output = new byte[width * height * 3];
        if (height != inH) VerticalPass(rows, width * 3, inH, height, output);
        else
            for (var i = 0; i < output.Length; i++) output[i] = ToByte(rows[i]);
        return new RgbImage(width, height, output);
    }

    /// <summary>Width pass: [inH, inW, 3] bytes -> [inH, width, 3] floats.</summary>
    private static float[] HorizontalPass(RgbImage source, int width)
    {
        int inW = source.Width, inH = source.Height;
        var rows = new float[inH * width * 3];
        var wx = Weights.Compute(inW, width);
        var line = new float[inW * 3];
        ref var lineRef = ref MemoryMarshal.GetArrayDataReference(line);
        ref var weightRef = ref MemoryMarshal.GetArrayDataReference(wx.Values);
        for (var y = 0; y < inH; y++)
        {
            var src = source.Pixels.AsSpan(y * inW * 3, inW * 3);
            for (var i = 0; i < src.Length; i++) line[i] = src[i];
            var dst = rows.AsSpan(y * width * 3, width * 3);
            for (var x = 0; x < width; x++)
            {
                int count = wx.Count[x];
                ref var p = ref Unsafe.Add(ref lineRef, wx.Start[x] * 3);
                ref var w = ref Unsafe.Add(ref weightRef, x * wx.Stride);
                float r = 0, g = 0, b = 0;
                for (var k = 0; k < count; k++)
                {
                    var wk = Unsafe.Add(ref w, k);
                    r += Unsafe.Add(ref p, 3 * k) * wk;
                    g += Unsafe.Add(ref p, 3 * k + 1) * wk;
                    b += Unsafe.Add(ref p, 3 * k + 2) * wk;
                }
                dst[3 * x] = r;
                dst[3 * x + 1] = g;
                dst[3 * x + 2] = b;
            }
        }
        return rows;
    }

    /// <summary>Height pass: [inH, rowLen] floats -> [height, rowLen] bytes (clamped, rounded).</summary>
    private static void VerticalPass(float[] rows, int rowLen, int inH, int height, byte[] output)
    {
        var wy = Weights.Compute(inH, height);
        var acc = new float[rowLen];
        var lanes = Vector<float>.Count;
        for (var y = 0; y < height; y++)
        {
            int start = wy.Start[y], count = wy.Count[y], wOff = y * wy.Stride;
            Array.Clear(acc);
            var accSpan = acc.AsSpan();
            for (var k = 0; k < count; k++)
            {
                var w = wy.Values[wOff + k];
                var wv = new Vector<float>(w);
                var src = rows.AsSpan((start + k) * rowLen, rowLen);
                var i = 0;
                // NOTE: multiply then add (no fused multiply-add), element by element: same rounding as the scalar loop.
                for (; i <= rowLen - lanes; i += lanes)
                    (new Vector<float>(accSpan[i..]) + new Vector<float>(src[i..]) * wv).CopyTo(accSpan[i..]);
                for (; i < rowLen; i++) accSpan[i] += src[i] * w;
            }
            var dst = output.AsSpan(y * rowLen, rowLen);
            for (var i = 0; i < rowLen; i++) dst[i] = ToByte(acc[i]);
        }
    }

    private static float[] ToFloat(byte[] pixels)
    {
        var values = new float[pixels.Length];
        for (var i = 0; i < pixels.Length; i++) values[i] = pixels[i];
        return values;
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
