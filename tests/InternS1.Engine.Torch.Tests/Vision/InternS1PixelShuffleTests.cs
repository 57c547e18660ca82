using InternS1.Engine.Torch.Modeling.Vision;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

public class InternS1PixelShuffleTests
{
    [Fact]
    public void A_4x4_grid_shuffles_into_the_hand_worked_2x2_blocks()
    {
        // x[r, c, ch] = 100·r + 10·c + ch on a 4×4 grid with 2 channels.
        var values = new float[4 * 4 * 2];
        for (var r = 0; r < 4; r++)
        for (var c = 0; c < 4; c++)
        for (var ch = 0; ch < 2; ch++)
            values[(r * 4 + c) * 2 + ch] = 100 * r + 10 * c + ch;
        using var x = tensor(values, [1, 4, 4, 2]);

        using var y = InternS1PixelShuffle.Apply(x, 0.5);

        Assert.Equal([1L, 2, 2, 8], y.shape);
        // Each output token = (row0,col0), (row0,col1), (row1,col0), (row1,col1) of its 2×2 block.
        float[] expected =
        [
            0, 1, 10, 11, 100, 101, 110, 111,         // block rows 0-1, cols 0-1
            20, 21, 30, 31, 120, 121, 130, 131,       // block rows 0-1, cols 2-3
            200, 201, 210, 211, 300, 301, 310, 311,   // block rows 2-3, cols 0-1
            220, 221, 230, 231, 320, 321, 330, 331,   // block rows 2-3, cols 2-3
        ];
        Assert.Equal(expected, y.data<float>().ToArray());
    }

    [Fact]
    public void A_32x32_grid_matches_the_closed_form_of_the_notes()
    {
        const int g = 32, c = 3, tiles = 2;
        var values = VisionTestCheckpoint.Normal(new Random(5), tiles * g * g * c);
        using var x = tensor(values, [tiles, g, g, c]);

        using var y = InternS1PixelShuffle.Apply(x, 0.5);

        Assert.Equal([tiles, 16L, 16, 4 * c], y.shape);
        var actual = NaiveVision.ToDoubles(y);
        var per = g * g * c;
        for (var t = 0; t < tiles; t++)
        {
            var expected = NaiveVision.Shuffle(values.Skip(t * per).Take(per).Select(v => (double)v).ToArray(), g, c);
            Assert.Equal(expected, actual.Skip(t * per).Take(per).ToArray());
        }
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public void A_downsample_ratio_that_is_not_one_over_a_whole_number_is_refused(double ratio)
    {
        using var x = zeros(1, 4, 4, 2);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => InternS1PixelShuffle.Apply(x, ratio));
        Assert.Contains("downsample_ratio", error.Message);
    }

    [Fact]
    public void A_grid_not_divisible_by_the_factor_is_refused()
    {
        using var x = zeros(1, 5, 4, 2);
        var error = Assert.Throws<ArgumentException>(() => InternS1PixelShuffle.Apply(x, 0.5));
        Assert.Contains("rows (5)", error.Message);
    }
}
