using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

public class InternS1VisionLayerTests
{
    [Theory]
    [InlineData(true)]  // rms_norm + qk_norm, no qkv bias (Intern-S1)
    [InlineData(false)] // layer_norm + qkv bias (Intern-S1-mini)
    public void One_encoder_layer_matches_a_naive_per_head_implementation(bool s1Like)
    {
        var vision = VisionTestCheckpoint.Vision(s1Like);
        var weights = VisionTestCheckpoint.RandomWeights(vision, seed: s1Like ? 11 : 12);
        using var model = VisionTestCheckpoint.LoadVision(VisionTestCheckpoint.Full(vision), weights, ScalarType.Float32);
        var layer = model.model.vision_tower!.encoder.layer[1];
        const int tiles = 2, tokens = 9;
        var input = VisionTestCheckpoint.Normal(new Random(3), tiles * tokens * vision.HiddenSize);
        using var x = tensor(input, [tiles, tokens, vision.HiddenSize]);

        using var y = layer.forward(x);

        Assert.Equal([tiles, tokens, (long)vision.HiddenSize], y.shape);
        var actual = NaiveVision.ToDoubles(y);
        var naive = new NaiveVision(weights, vision);
        var perTile = tokens * vision.HiddenSize;
        for (var t = 0; t < tiles; t++)
        {
            var tile = input.Skip(t * perTile).Take(perTile).Select(v => (double)v).ToArray();
            var expected = naive.Layer(1, tile, tokens);
            VisionAssert.Close(expected, actual.Skip(t * perTile).Take(perTile).ToArray(), 2e-5, 2e-5, $"tile {t}");
        }
        VisionTestCheckpoint.DisposeAll(weights);
    }
}
