using InternS1.Media.Images;
using InternS1.Media.Tests.Support;
using SkiaSharp;

namespace InternS1.Media.Tests;

public class ImageDecoderTests
{
    private const long Limit = 64_000_000;

    [Fact]
    public void Png_decodes_to_the_exact_rgb_values()
    {
        var png = PngWriter.Rgb(5, 3, (x, y) => ((byte)(x * 50), (byte)(y * 100), (byte)(x + y)));
        var image = ImageDecoder.Decode(png, Limit);
        Assert.Equal((5, 3), (image.Width, image.Height));
        Assert.Equal(((byte)200, (byte)200, (byte)6), image[4, 2]);
        Assert.Equal(((byte)50, (byte)0, (byte)1), image[1, 0]);
    }

    [Fact]
    public void Alpha_is_dropped_like_pil_convert_rgb_not_composited()
    {
        // PIL convert("RGB") keeps the stored (unpremultiplied) colour whatever the alpha.
        var png = PngWriter.Rgba(3, 1, (x, _) => x switch
        {
            0 => ((byte)200, (byte)100, (byte)50, (byte)0),
            1 => ((byte)10, (byte)20, (byte)30, (byte)128),
            _ => ((byte)1, (byte)2, (byte)3, (byte)255),
        });
        var image = ImageDecoder.Decode(png, Limit);
        Assert.Equal(((byte)200, (byte)100, (byte)50), image[0, 0]);
        Assert.Equal(((byte)10, (byte)20, (byte)30), image[1, 0]);
        Assert.Equal(((byte)1, (byte)2, (byte)3), image[2, 0]);
    }

    // Source 40x20: left half red, right half blue. Expected layout after PIL's exif_transpose.
    [Theory]
    [InlineData(1, 40, 20, "red-left")]
    [InlineData(2, 40, 20, "red-right")]   // mirror left-right
    [InlineData(3, 40, 20, "red-right")]   // rotate 180
    [InlineData(4, 40, 20, "red-left")]    // mirror top-bottom
    [InlineData(5, 20, 40, "red-top")]     // transpose
    [InlineData(6, 20, 40, "red-top")]     // rotate 90 clockwise: the left edge becomes the top
    [InlineData(7, 20, 40, "red-bottom")]  // transverse
    [InlineData(8, 20, 40, "red-bottom")]  // rotate 90 counter-clockwise: the left edge becomes the bottom
    public void Exif_orientation_is_applied(int orientation, int width, int height, string layout)
    {
        var jpeg = SkiaImages.Encode(40, 20, (x, _) => x < 20 ? ((byte)255, (byte)0, (byte)0) : ((byte)0, (byte)0, (byte)255), SKEncodedImageFormat.Jpeg, 95);
        var image = ImageDecoder.Decode(Exif.WithOrientation(jpeg, orientation), Limit);
        Assert.Equal((width, height), (image.Width, image.Height));
        var (redX, redY, blueX, blueY) = layout switch
        {
            "red-left" => (5, 10, 35, 10),
            "red-right" => (35, 10, 5, 10),
            "red-top" => (10, 5, 10, 35),
            _ => (10, 35, 10, 5),
        };
        AssertClose((255, 0, 0), image[redX, redY]);
        AssertClose((0, 0, 255), image[blueX, blueY]);
    }

    [Fact]
    public void Mirrored_orientations_differ_from_rotations_on_an_asymmetric_image()
    {
        // Red only in the top-left quadrant of 40x20. 5 (transpose) keeps it top-left; 6 (rotate cw) moves it top-right.
        var jpeg = SkiaImages.Encode(40, 20, (x, y) => x < 20 && y < 10 ? ((byte)255, (byte)0, (byte)0) : ((byte)0, (byte)0, (byte)255), SKEncodedImageFormat.Jpeg, 95);
        AssertClose((255, 0, 0), ImageDecoder.Decode(Exif.WithOrientation(jpeg, 5), Limit)[4, 8]);
        AssertClose((255, 0, 0), ImageDecoder.Decode(Exif.WithOrientation(jpeg, 6), Limit)[15, 8]);
        AssertClose((255, 0, 0), ImageDecoder.Decode(Exif.WithOrientation(jpeg, 8), Limit)[4, 32]);
        AssertClose((255, 0, 0), ImageDecoder.Decode(Exif.WithOrientation(jpeg, 7), Limit)[15, 32]);
    }

    [Fact]
    public void Gif_gives_its_first_frame()
    {
        (byte, byte, byte)[] palette = [(255, 0, 0), (0, 0, 255), (0, 255, 0), (0, 0, 0)];
        var gif = GifWriter.SolidFrames(6, 4, palette, 0, 1, 2);
        var image = ImageDecoder.Decode(gif, Limit);
        Assert.Equal((6, 4), (image.Width, image.Height));
        Assert.All(Enumerable.Range(0, 24), i => Assert.Equal(((byte)255, (byte)0, (byte)0), image[i % 6, i / 6]));
        // the writer is sound: the same file with the blue frame first decodes blue
        Assert.Equal(((byte)0, (byte)0, (byte)255), ImageDecoder.Decode(GifWriter.SolidFrames(6, 4, palette, 1, 0), Limit)[3, 2]);
    }

    [Fact]
    public void Lossless_webp_decodes_to_the_same_pixels_as_png()
    {
        static (byte, byte, byte) P(int x, int y) => ((byte)(x * 9), (byte)(y * 13), (byte)((x * y) % 256));
        var fromWebp = ImageDecoder.Decode(SkiaImages.Encode(17, 11, P, SKEncodedImageFormat.Webp), Limit);
        var fromPng = ImageDecoder.Decode(PngWriter.Rgb(17, 11, P), Limit);
        Assert.Equal(fromPng.Pixels, fromWebp.Pixels);
    }

    [Fact]
    public void Pixel_bomb_header_is_refused_before_decoding()
    {
        var bomb = PngWriter.HeaderOnly(100_000, 100_000);
        var e = Assert.Throws<MediaException>(() => ImageDecoder.Decode(bomb, Limit));
        Assert.Equal(MediaErrorKind.TooLarge, e.Kind);
        Assert.Contains("100000x100000", e.Message);
    }

    [Fact]
    public void Image_over_a_small_pixel_limit_is_too_large()
    {
        var png = PngWriter.Rgb(20, 10, (_, _) => (1, 2, 3));
        Assert.Equal(MediaErrorKind.TooLarge, Assert.Throws<MediaException>(() => ImageDecoder.Decode(png, 199)).Kind);
        Assert.Equal(20, ImageDecoder.Decode(png, 200).Width);
    }

    [Fact]
    public void Garbage_bytes_are_unreadable()
    {
        var garbage = new byte[1000];
        new Random(3).NextBytes(garbage);
        Assert.Equal(MediaErrorKind.Unreadable, Assert.Throws<MediaException>(() => ImageDecoder.Decode(garbage, Limit)).Kind);
        Assert.Equal(MediaErrorKind.Unreadable, Assert.Throws<MediaException>(() => ImageDecoder.Decode([], Limit)).Kind);
    }

    [Fact]
    public void Truncated_png_is_unreadable()
    {
        var rng = new Random(5);
        var png = PngWriter.Rgb(64, 64, (_, _) => ((byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256)));
        var truncated = png[..(png.Length / 2)];
        var e = Assert.Throws<MediaException>(() => ImageDecoder.Decode(truncated, Limit));
        Assert.Equal(MediaErrorKind.Unreadable, e.Kind);
    }

    private static void AssertClose((int R, int G, int B) expected, (byte R, byte G, byte B) actual, int tolerance = 12)
    {
        Assert.True(Math.Abs(expected.R - actual.R) <= tolerance && Math.Abs(expected.G - actual.G) <= tolerance && Math.Abs(expected.B - actual.B) <= tolerance,
            $"expected about {expected}, got {actual}");
    }
}
