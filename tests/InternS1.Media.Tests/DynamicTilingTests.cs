using InternS1.Media.Images;

namespace InternS1.Media.Tests;

/// <summary>
/// Grid choice against values worked out by hand from GotOcr2's rule (candidates by product, first minimum of
/// |W/H - c/r|, an exact tie goes to the later grid iff W*H &gt; 0.5 * 448^2 * c*r), min 1, max 12 unless noted.
/// </summary>
public class DynamicTilingTests
{
    [Theory]
    // square: ratio 1 candidates (1,1), (2,2) (401,408 px threshold), (3,3) (903,168 px threshold)
    [InlineData(448, 448, 1, 1)]        // 200,704 px: no tie won
    [InlineData(800, 800, 2, 2)]        // 640,000 > 401,408, < 903,168
    [InlineData(1000, 1000, 3, 3)]      // 1,000,000 > 903,168
    // 16:9 (1.778): ratio 2 (diff 0.222) beats 1.5 (0.278); (2,1) vs (4,2) tie at 802,816 px
    [InlineData(640, 360, 2, 1)]        // 230,400 px: stays (2,1)
    [InlineData(1280, 720, 4, 2)]       // 921,600 px > 802,816
    [InlineData(1920, 1080, 4, 2)]
    // 1:4 tall: only (1,4) has ratio 0.25
    [InlineData(500, 2000, 1, 4)]
    // tiny: ratio 1, 100 px never wins a tie
    [InlineData(10, 10, 1, 1)]
    // huge 10000x3000 (3.333): ratio 3 (diff 0.333) beats 4 (0.667) and 2.5 (0.833); (3,1) vs (6,2) tie, 3e7 px > 1,204,224
    [InlineData(10000, 3000, 6, 2)]
    // 2:1 exactly
    [InlineData(896, 448, 2, 1)]
    public void Grid_for_image_size_matches_the_hand_worked_rule(int width, int height, int columns, int rows)
    {
        Assert.Equal(new TileGrid(columns, rows), DynamicTiling.ChooseGrid(width, height, 1, 12, 448));
    }

    [Theory]
    // min = max = 2: candidates (1,2) then (2,1); at aspect 1.25 both are 0.75 away; the later (2,1) wins iff W*H > 200,704
    [InlineData(500, 400, 1, 2)]        // 200,000 px: keeps (1,2)
    [InlineData(560, 448, 2, 1)]        // 250,880 px: takes (2,1)
    public void Tie_between_1x2_and_2x1_follows_candidate_order_and_area(int width, int height, int columns, int rows)
    {
        Assert.Equal(new TileGrid(columns, rows), DynamicTiling.ChooseGrid(width, height, 2, 2, 448));
    }

    [Fact]
    public void Candidates_are_enumerated_columns_then_rows_and_stably_sorted_by_product()
    {
        TileGrid[] expected = [new(1, 1), new(1, 2), new(2, 1), new(1, 3), new(3, 1), new(1, 4), new(2, 2), new(4, 1)];
        Assert.Equal(expected, DynamicTiling.CandidateGrids(1, 4));
        Assert.Equal([new TileGrid(1, 2), new TileGrid(2, 1)], DynamicTiling.CandidateGrids(2, 2));
        Assert.Equal(35, DynamicTiling.CandidateGrids(1, 12).Count); // sum over c of floor(12/c) = 12+6+4+3+2+2+1+1+1+1+1+1
    }

    [Fact]
    public void Max_tiles_from_config_limits_the_grid()
    {
        // 10000x3000 with max 6: ratio 3 is (3,1) only (6,2 is 12 tiles); 3e7 px
        Assert.Equal(new TileGrid(3, 1), DynamicTiling.ChooseGrid(10000, 3000, 1, 6, 448));
        // square 1000 with max 1: a single tile
        Assert.Equal(new TileGrid(1, 1), DynamicTiling.ChooseGrid(1000, 1000, 1, 1, 448));
    }

    [Theory]
    [InlineData(448, 448, 1, 256)]
    [InlineData(800, 800, 5, 1280)]      // 2x2 + thumbnail
    [InlineData(1000, 1000, 10, 2560)]   // 3x3 + thumbnail
    [InlineData(1920, 1080, 9, 2304)]    // 4x2 + thumbnail
    [InlineData(500, 2000, 5, 1280)]     // 1x4 + thumbnail
    [InlineData(10, 10, 1, 256)]
    public void Tile_and_token_counts_include_the_thumbnail_only_for_several_tiles(int width, int height, int tiles, int tokens)
    {
        var image = new RgbImage(width, height, new byte[width * height * 3]);
        var processed = new ImagePreprocessor(new Config.ImagePreprocessorConfig(), tokensPerTile: 256).Process(image);
        Assert.Equal(tiles, processed.NumTiles);
        Assert.Equal(tokens, processed.ContextTokens);
        Assert.Equal(tiles * 3 * 448 * 448, processed.PixelValues.Length);
        Assert.Equal(tiles > 1, processed.HasThumbnail);
    }
}
