using System.Text.Json;
using InternS1.Engine.Torch.Modeling;
using InternS1.Engine.Torch.Modeling.Vision;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

/// <summary><see cref="InternS1Model.GetImageFeatures"/> (HF <c>get_image_features</c>) of a vision-only load,
/// against the naive float64 composition of tower, pixel shuffle and projector.</summary>
public class GetImageFeaturesTests(ImageFeaturesFixture fixture) : IClassFixture<ImageFeaturesFixture>
{
    private Tensor Pixels() => tensor(fixture.Pixels, [ImageFeaturesFixture.Tiles, 3, fixture.Vision.ImageSize[0], fixture.Vision.ImageSize[1]]);

    [Fact]
    public void Two_448_tiles_give_256_rows_each_matching_the_naive_composition()
    {
        using var model = VisionTestCheckpoint.LoadVision(fixture.Config, fixture.Weights, ScalarType.Float32);
        using var pixels = Pixels();

        using var features = model.model.GetImageFeatures(pixels);

        Assert.Equal([ImageFeaturesFixture.Tiles, 256L, VisionTestCheckpoint.TextHidden], features.shape);
        VisionAssert.Close(fixture.Expected, NaiveVision.ToDoubles(features), 1e-4, 1e-4, "image features");
    }

    [Fact]
    public void Image_features_json_carries_the_shape_and_the_naive_values()
    {
        using var model = VisionTestCheckpoint.LoadVision(fixture.Config, fixture.Weights, ScalarType.Float32);
        using var pixels = Pixels();
        using var features = model.model.GetImageFeatures(pixels);
        using var output = new MemoryStream();

        ImageFeaturesJson.Write(output, features);

        using var json = JsonDocument.Parse(output.ToArray());
        Assert.Equal([2, 256, VisionTestCheckpoint.TextHidden],
            json.RootElement.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        var data = json.RootElement.GetProperty("data").EnumerateArray().Select(e => (double)e.GetSingle()).ToArray();
        VisionAssert.Close(fixture.Expected, data, 1e-4, 1e-4, "json data");
    }

    [Fact]
    public void Bfloat16_weights_stay_within_bfloat16_precision_of_the_naive_features()
    {
        using var model = VisionTestCheckpoint.LoadVision(fixture.Config, fixture.Weights, ScalarType.BFloat16);
        using var pixels = Pixels();

        using var features = model.model.GetImageFeatures(pixels);

        Assert.Equal(ScalarType.BFloat16, features.dtype);
        // bfloat16 keeps 8 significant bits (relative step 2^-8 ≈ 0.4%); a few layers of rounding stay within a few percent.
        var error = VisionAssert.RelativeRms(fixture.Expected, NaiveVision.ToDoubles(features));
        Assert.InRange(error, 0.0, 0.03);
    }

    [Fact]
    public void Pixels_that_are_not_whole_config_sized_tiles_are_refused_with_the_expected_shape()
    {
        using var model = new InternS1ForConditionalGeneration(fixture.Config, ScalarType.Float32, META, InternS1Parts.Vision);
        using var pixels = zeros(1, 3, 224, 224);

        var error = Assert.Throws<ArgumentException>(() => model.model.GetImageFeatures(pixels));

        Assert.Contains("[tiles, 3, 448, 448]", error.Message);
        Assert.Contains("[1, 3, 224, 224]", error.Message);
    }

    [Fact]
    public void A_text_only_build_refuses_to_compute_image_features()
    {
        using var model = new InternS1ForConditionalGeneration(fixture.Config, ScalarType.Float32, META, InternS1Parts.LanguageModel);
        using var pixels = zeros(1, 3, 448, 448);

        var error = Assert.Throws<InvalidOperationException>(() => model.model.GetImageFeatures(pixels));

        Assert.Contains("text-only load", error.Message);
        Assert.Equal(["model.vision_tower.", "model.multi_modal_projector."], model.UnbuiltPrefixes);
    }
}
