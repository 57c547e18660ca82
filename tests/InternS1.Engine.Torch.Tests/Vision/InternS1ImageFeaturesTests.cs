using System.Text.Json;
using InternS1.Engine.Torch.Modeling.Vision;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

public class InternS1ImageFeaturesTests(ImageFeaturesFixture fixture) : IClassFixture<ImageFeaturesFixture>
{
    [Fact]
    public void Two_448_tiles_give_256_rows_each_matching_the_naive_composition()
    {
        using var tower = InternS1VisionModel.FromCheckpoint(fixture.Vision, fixture.Weights, ScalarType.Float32);
        using var projector = InternS1MultiModalProjector.FromCheckpoint(fixture.Config, fixture.Weights, ScalarType.Float32);
        var size = fixture.Vision.ImageSize[0];
        using var pixels = tensor(fixture.Pixels, [ImageFeaturesFixture.Tiles, 3, size, size]);

        using var features = InternS1ImageFeatures.GetImageFeatures(tower, projector, pixels, fixture.Config);

        Assert.Equal([ImageFeaturesFixture.Tiles, 256L, VisionTestCheckpoint.TextHidden], features.shape);
        VisionAssert.Close(fixture.Expected, NaiveVision.ToDoubles(features), 1e-4, 1e-4, "image features");
    }

    [Fact]
    public void Vision_features_json_carries_the_shape_and_the_naive_values()
    {
        using var tower = InternS1VisionModel.FromCheckpoint(fixture.Vision, fixture.Weights, ScalarType.Float32);
        using var projector = InternS1MultiModalProjector.FromCheckpoint(fixture.Config, fixture.Weights, ScalarType.Float32);
        using var output = new MemoryStream();

        VisionFeaturesJson.Write(output, tower, projector, fixture.Config, fixture.Pixels, ImageFeaturesFixture.Tiles);

        using var json = JsonDocument.Parse(output.ToArray());
        Assert.Equal([2, 256, VisionTestCheckpoint.TextHidden],
            json.RootElement.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        var data = json.RootElement.GetProperty("data").EnumerateArray().Select(e => (double)e.GetSingle()).ToArray();
        VisionAssert.Close(fixture.Expected, data, 1e-4, 1e-4, "json data");
    }

    [Fact]
    public void Bfloat16_weights_stay_within_bfloat16_precision_of_the_naive_features()
    {
        using var tower = InternS1VisionModel.FromCheckpoint(fixture.Vision, fixture.Weights, ScalarType.BFloat16);
        using var projector = InternS1MultiModalProjector.FromCheckpoint(fixture.Config, fixture.Weights, ScalarType.BFloat16);
        var size = fixture.Vision.ImageSize[0];
        using var pixels = tensor(fixture.Pixels, [ImageFeaturesFixture.Tiles, 3, size, size]);

        using var features = InternS1ImageFeatures.GetImageFeatures(tower, projector, pixels, fixture.Config);

        Assert.Equal(ScalarType.BFloat16, features.dtype);
        // bfloat16 keeps 8 significant bits (relative step 2^-8 ≈ 0.4%); a few layers of rounding stay within a few percent.
        var error = VisionAssert.RelativeRms(fixture.Expected, NaiveVision.ToDoubles(features));
        Assert.InRange(error, 0.0, 0.03);
    }

    [Fact]
    public void Pixels_that_are_not_whole_config_sized_tiles_are_refused_with_the_expected_shape()
    {
        using var tower = new InternS1VisionModel(fixture.Vision, META);
        using var projector = new InternS1MultiModalProjector(fixture.Config, META);
        using var pixels = zeros(1, 3, 224, 224);

        var error = Assert.Throws<ArgumentException>(() =>
            InternS1ImageFeatures.GetImageFeatures(tower, projector, pixels, fixture.Config));

        Assert.Contains("[tiles, 3, 448, 448]", error.Message);
        Assert.Contains("[1, 3, 224, 224]", error.Message);
    }

    [Fact]
    public void A_pixel_buffer_of_the_wrong_length_is_refused_before_any_compute()
    {
        using var tower = new InternS1VisionModel(fixture.Vision, META);
        using var projector = new InternS1MultiModalProjector(fixture.Config, META);

        var error = Assert.Throws<ArgumentException>(() =>
            VisionFeaturesJson.Write(Stream.Null, tower, projector, fixture.Config, new float[10], 1));

        Assert.Contains("602112", error.Message); // 3 × 448 × 448
    }
}
