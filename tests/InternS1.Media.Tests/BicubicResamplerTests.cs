using InternS1.Media.Images;

namespace InternS1.Media.Tests;

public class BicubicResamplerTests
{
    private static RgbImage Gray(int width, int height, params byte[] values) =>
        new(width, height, values.SelectMany(v => new[] { v, v, v }).ToArray());

    [Fact]
    public void Downscale_by_two_uses_the_widened_keys_kernel()
    {
        // 4 -> 2, scale 2, support 4. Output 0: centre 1.0, taps x=0..3 at distances (x+0.5-1)/2 =
        // -0.25, 0.25, 0.75, 1.25 -> k = 0.8671875, 0.8671875, 0.2265625, -0.0703125 (a = -0.5), sum 1.890625:
        // (100*0.8671875 + 200*0.2265625 - 255*0.0703125) / 1.890625 = 60.35 -> 60.
        // Output 1: centre 3.0, distances -1.25, -0.75, -0.25, 0.25:
        // (100*0.2265625 + 200*0.8671875 + 255*0.8671875) / 1.890625 = 220.68 -> 221.
        var output = BicubicResampler.Resize(Gray(4, 1, 0, 100, 200, 255), 2, 1);
        Assert.Equal(new byte[] { 60, 60, 60, 221, 221, 221 }, output.Pixels);
    }

    [Fact]
    public void Upscale_by_two_uses_support_two_and_clamps()
    {
        // 2 -> 4, scale 0.5, support 2, input [0, 200]. Centres 0.25, 0.75, 1.25, 1.75 (taps x = 0, 1):
        // 0.25: k(0.25)=0.8671875, k(1.25)=-0.0703125 -> 200*-0.0703125/0.796875 = -17.6 -> 0
        // 0.75: k(0.25)=0.8671875, k(0.75)=0.2265625 -> 200*0.2265625/1.09375 = 41.43 -> 41
        // 1.25: k(0.75), k(0.25) -> 200*0.8671875/1.09375 = 158.57 -> 159
        // 1.75: k(1.25), k(0.25) -> 200*0.8671875/0.796875 = 217.65 -> 218
        var output = BicubicResampler.Resize(Gray(2, 1, 0, 200), 4, 1);
        Assert.Equal(new byte[] { 0, 41, 159, 218 }, output.Pixels.Where((_, i) => i % 3 == 0).ToArray());
    }

    [Fact]
    public void Same_size_is_the_identity()
    {
        var image = Pattern(7, 5);
        Assert.Equal(image.Pixels, BicubicResampler.Resize(image, 7, 5).Pixels);
    }

    // Fixture: torchvision 0.14.1 / torch 1.13.1 (Debian 12 python3-torchvision), an independent implementation:
    //   t[c,y,x] = (x*37 + y*91 + c*53 + x*y*7) % 256  (uint8, CHW)
    //   F.resize(t, [oh, ow], interpolation=InterpolationMode.BICUBIC, antialias=True).permute(1,2,0).numpy().tobytes().hex()
    [Theory]
    [InlineData(9, 7, 4, 3, "62828f7a829581878467808a7c877d8e8a8791877d867b7b6c9d7f79876b978579779471")]
    [InlineData(5, 3, 11, 8, "00285d0030650b40741e538a2f62a73f74c34e90d65faee47dc4f79ad3ffa8daff00356a073c72184e832c61963d73a24e83ae6090bf709cd080aee48cc0f591c7fc1c4f93245a9c3573b54b8dbb63a7947bb073948f7da368968a6eab6287bd5191c64477bd4c83c95f9fea77bce292df81ace12ece8d31dc2c5395256a31467e0752876aa3ad74a4ba8ba4dc9eaed69fd076a2d724c28529d4254c901f652d427a034e8392d6619ebe6dbd8489c360948b7b715d92556f75638d5381795d9a557ab14686bbaefa21bcce2ce16744dc1f5d78326f2257822969984f7cb06795cb79ade281b7ecbaff0ac9d615f15d2be8084972196e0d42911065aa3a89c060a7db85bef295c8fd")]
    [InlineData(13, 6, 5, 9, "194e8d86c1cf925e49306bafa2d8425286a081858e74818d7074836fa37b96b29f76555c629bbea887654b66a5a47556658ea492716c759ea28e5f5f6f727d909c958f7b6c6e7a8f989b7e4e87a9b39375838d827e5e6d89c4b09b957184858a9c7c7198937a8282a5859b678779728b8a817997718863765b9c6f967257749a94558b6690594f")]
    public void Matches_torchvision_antialiased_bicubic(int width, int height, int outWidth, int outHeight, string expectedHex)
    {
        var output = BicubicResampler.Resize(Pattern(width, height), outWidth, outHeight);
        Assert.Equal(Convert.FromHexString(expectedHex), output.Pixels);
    }

    [Theory]
    [InlineData(61, 47, 448, 448)]
    [InlineData(300, 200, 112, 96)]
    [InlineData(97, 240, 448, 896)]
    public void Matches_a_naive_two_dimensional_implementation_within_one_level(int width, int height, int outWidth, int outHeight)
    {
        var rng = new Random(7);
        var pixels = new byte[width * height * 3];
        rng.NextBytes(pixels);
        var image = new RgbImage(width, height, pixels);
        var fast = BicubicResampler.Resize(image, outWidth, outHeight);
        var naive = NaiveResize(image, outWidth, outHeight);
        var maxDiff = fast.Pixels.Zip(naive).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(maxDiff <= 1, $"max difference {maxDiff}");
    }

    /// <summary>Direct double-precision sum over the 2-D neighbourhood with weights from the textbook definition.</summary>
    private static byte[] NaiveResize(RgbImage image, int outWidth, int outHeight)
    {
        static double K(double x)
        {
            x = Math.Abs(x);
            const double a = -0.5;
            return x < 1 ? (a + 2) * x * x * x - (a + 3) * x * x + 1
                 : x < 2 ? a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a
                 : 0;
        }
        static (int Lo, double[] W) Taps(int inSize, int outSize, int i)
        {
            double scale = (double)inSize / outSize, filterScale = Math.Max(scale, 1.0), support = 2 * filterScale;
            var centre = (i + 0.5) * scale;
            var lo = Math.Max((int)(centre - support + 0.5), 0);
            var hi = Math.Min((int)(centre + support + 0.5), inSize);
            var w = Enumerable.Range(lo, hi - lo).Select(j => K((j + 0.5 - centre) / filterScale)).ToArray();
            var sum = w.Sum();
            return (lo, w.Select(v => v / sum).ToArray());
        }
        var output = new byte[outWidth * outHeight * 3];
        for (var y = 0; y < outHeight; y++)
        {
            var (ylo, wy) = Taps(image.Height, outHeight, y);
            for (var x = 0; x < outWidth; x++)
            {
                var (xlo, wx) = Taps(image.Width, outWidth, x);
                for (var c = 0; c < 3; c++)
                {
                    double acc = 0;
                    for (var j = 0; j < wy.Length; j++)
                        for (var i = 0; i < wx.Length; i++)
                            acc += wy[j] * wx[i] * image.Pixels[((ylo + j) * image.Width + xlo + i) * 3 + c];
                    output[(y * outWidth + x) * 3 + c] = (byte)Math.Round(Math.Clamp(acc, 0, 255), MidpointRounding.ToEven);
                }
            }
        }
        return output;
    }

    private static RgbImage Pattern(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                for (var c = 0; c < 3; c++)
                    pixels[(y * width + x) * 3 + c] = (byte)((x * 37 + y * 91 + c * 53 + x * y * 7) % 256);
        return new RgbImage(width, height, pixels);
    }
}
