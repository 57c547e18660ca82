using InternS1.Media.Config;
using InternS1.Media.Images;
using InternS1.Media.Tests.Support;
using SkiaSharp;

namespace InternS1.Media.Tests;

public class ImagePreprocessorTests
{
    private const int T = 448;
    private const int Plane = T * T;
    private static readonly ImagePreprocessor Preprocessor = new(new ImagePreprocessorConfig(), 256);

    [Fact]
    public void Normalised_values_match_hand_computed_imagenet_values()
    {
        // 448x448 image (one tile, no resampling): R = x % 256, G = y % 256, B = (x + y) % 256.
        var pixels = new byte[T * T * 3];
        for (var y = 0; y < T; y++)
            for (var x = 0; x < T; x++)
                (pixels[(y * T + x) * 3], pixels[(y * T + x) * 3 + 1], pixels[(y * T + x) * 3 + 2]) = ((byte)(x % 256), (byte)(y % 256), (byte)((x + y) % 256));
        var result = Preprocessor.Process(new RgbImage(T, T, pixels));
        var v = result.PixelValues;
        Assert.Equal(1, result.NumTiles);

        // Worked by hand: (v/255 - mean) / std.
        Assert.Equal(-2.1179039, v[0], tolerance: 1e-5);                        // R, x=0:   (0 - 0.485) / 0.229
        Assert.Equal(2.2489083, v[255], tolerance: 1e-5);                       // R, x=255: (1 - 0.485) / 0.229
        Assert.Equal(0.2051821, v[Plane + 128 * T + 3], tolerance: 1e-5);       // G, y=128: (0.5019608 - 0.456) / 0.224
        Assert.Equal(-0.9155556, v[2 * Plane + 20 * T + 31], tolerance: 1e-5);  // B, x+y=51: (0.2 - 0.406) / 0.225
        Assert.Equal(-2.0357143, v[Plane + 256 * T], tolerance: 1e-5);          // G, y=256 -> 0: (0 - 0.456) / 0.224

        // Every value against the formula (CHW layout).
        double[] mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
        for (var c = 0; c < 3; c++)
            for (var y = 0; y < T; y += 7)
                for (var x = 0; x < T; x += 5)
                {
                    var raw = c == 0 ? x % 256 : c == 1 ? y % 256 : (x + y) % 256;
                    Assert.Equal((raw / 255.0 - mean[c]) / std[c], v[c * Plane + y * T + x], tolerance: 1e-5);
                }
    }

    [Fact]
    public void Tiles_are_row_major_with_the_thumbnail_last()
    {
        // 896x448: grid 2x1 (ratio 2 exactly), canvas = the image itself. Left half colour A, right half colour B.
        (byte R, byte G, byte B) a = (255, 0, 0), b = (0, 128, 255);
        var image = Solid(896, 448, x => x < 448 ? a : b);
        var result = Preprocessor.Process(image);
        Assert.Equal(new TileGrid(2, 1), result.Grid);
        Assert.Equal(3, result.NumTiles);
        AssertTileColour(result.PixelValues, 0, a, 0, 0);
        AssertTileColour(result.PixelValues, 0, a, 447, 447);
        AssertTileColour(result.PixelValues, 1, b, 0, 0);
        AssertTileColour(result.PixelValues, 1, b, 447, 447);
        // thumbnail = whole image squeezed to 448x448: left quarter A, right quarter B
        AssertTileColour(result.PixelValues, 2, a, 100, 200);
        AssertTileColour(result.PixelValues, 2, b, 350, 200);
    }

    [Fact]
    public void Tall_image_tiles_go_top_to_bottom()
    {
        // 448x1792 (1:4): grid 1x4; row r painted with value 60*r in R.
        var image = Solid(448, 1792, (_, y) => ((byte)(60 * (y / 448)), (byte)0, (byte)0));
        var result = Preprocessor.Process(image);
        Assert.Equal(new TileGrid(1, 4), result.Grid);
        for (var tile = 0; tile < 4; tile++)
            AssertTileColour(result.PixelValues, tile, ((byte)(60 * tile), 0, 0), 224, 224);
    }

    [Fact]
    public void Equal_pixels_give_equal_hashes_whatever_the_encoding()
    {
        static (byte, byte, byte) P(int x, int y) => ((byte)(x * 3), (byte)(y * 5), (byte)(x ^ y));
        var png = Preprocessor.Process(PngWriter.Rgb(60, 40, P), 64_000_000);
        var webp = Preprocessor.Process(SkiaImages.Encode(60, 40, P, SKEncodedImageFormat.Webp), 64_000_000);
        var other = Preprocessor.Process(PngWriter.Rgb(60, 40, (x, y) => ((byte)(x * 3), (byte)(y * 5), (byte)(x ^ y ^ 1))), 64_000_000);
        Assert.Equal(png.ContentHash, webp.ContentHash);
        Assert.NotEqual(png.ContentHash, other.ContentHash);
        Assert.Matches("^[0-9a-f]{64}$", png.ContentHash);
        // different normalisation settings change the hash of the same pixels
        var otherMean = new ImagePreprocessor(new ImagePreprocessorConfig { ImageMean = [0.5, 0.5, 0.5] }, 256).Process(PngWriter.Rgb(60, 40, P), 64_000_000);
        Assert.NotEqual(png.ContentHash, otherMean.ContentHash);
    }

    private static RgbImage Solid(int width, int height, Func<int, (byte, byte, byte)> byColumn) => Solid(width, height, (x, _) => byColumn(x));

    private static RgbImage Solid(int width, int height, Func<int, int, (byte R, byte G, byte B)> colour)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                (pixels[(y * width + x) * 3], pixels[(y * width + x) * 3 + 1], pixels[(y * width + x) * 3 + 2]) = colour(x, y);
        return new RgbImage(width, height, pixels);
    }

    private static void AssertTileColour(float[] values, int tile, (byte R, byte G, byte B) colour, int x, int y)
    {
        double[] mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
        byte[] rgb = [colour.R, colour.G, colour.B];
        for (var c = 0; c < 3; c++)
            Assert.Equal((rgb[c] / 255.0 - mean[c]) / std[c], values[tile * 3 * Plane + c * Plane + y * T + x], tolerance: 1e-4);
    }
}
