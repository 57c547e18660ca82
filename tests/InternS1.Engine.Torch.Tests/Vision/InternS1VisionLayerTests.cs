using InternS1.Engine.Torch.Modeling.Vision;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

public class InternS1VisionLayerTests
{
    [Theory]
    [InlineData(true)]  // rms_norm + qk_norm, no qkv bias (Intern-S1)
    [InlineData(false)] // layer_norm + qkv bias (Intern-S1-mini)
    public void One_encoder_layer_matches_a_naive_per_head_implementation(bool s1Like)
    {
        var config = VisionTestCheckpoint.Vision(s1Like);
        var weights = VisionTestCheckpoint.RandomWeights(config, seed: s1Like ? 11 : 12);
        using var layer = new InternS1VisionLayer(config, META);
        VisionWeightLoader.Load(layer, "model.vision_tower.encoder.layer.1.", weights, ScalarType.Float32);
        const int tiles = 2, tokens = 9;
        var input = VisionTestCheckpoint.Normal(new Random(3), tiles * tokens * config.HiddenSize);
        using var x = tensor(input, [tiles, tokens, config.HiddenSize]);

        using var y = layer.forward(x);

        Assert.Equal([tiles, tokens, (long)config.HiddenSize], y.shape);
        var actual = NaiveVision.ToDoubles(y);
        var naive = new NaiveVision(weights, config);
        var perTile = tokens * config.HiddenSize;
        for (var t = 0; t < tiles; t++)
        {
            var tile = input.Skip(t * perTile).Take(perTile).Select(v => (double)v).ToArray();
            var expected = naive.Layer(1, tile, tokens);
            VisionAssert.Close(expected, actual.Skip(t * perTile).Take(perTile).ToArray(), 2e-5, 2e-5, $"tile {t}");
        }
        VisionTestCheckpoint.DisposeAll(weights);
    }

    [Fact]
    public void Rms_norm_normalises_over_the_full_width_in_float32_then_scales()
    {
        using var norm = new InternS1VisionRMSNorm(4, 1e-6);
        norm.weight = new TorchSharp.Modules.Parameter(tensor(new float[] { 1, 2, 0.5f, -1 }), requires_grad: false);
        using var x = tensor(new float[] { 1, 2, 3, 4, 0, 0, 0, 2 }, [2, 4]);

        using var y = norm.forward(x);

        // row 0: rms = sqrt((1+4+9+16)/4) = sqrt(7.5); row 1: rms = sqrt(4/4) = 1
        var r0 = Math.Sqrt(7.5 + 1e-6);
        var r1 = Math.Sqrt(1 + 1e-6);
        double[] expected = [1 / r0, 4 / r0, 1.5 / r0, -4 / r0, 0, 0, 0, -2 / r1];
        VisionAssert.Close(expected, NaiveVision.ToDoubles(y), 1e-6, 1e-6, "rms norm");
    }
}
