using InternS1.Engine.Torch.Modeling.Vision;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

public class InternS1VisionModelTests
{
    [Fact]
    public void A_smaller_input_gets_bicubically_resized_position_embeddings()
    {
        // Config tile 56 px = 4×4 patches; input 42×70 px = 3×5 patches (non-square, both directions resized).
        var vision = VisionTestCheckpoint.Vision(s1Like: true, imageSize: 56, hidden: 8, heads: 2, layers: 1, intermediate: 16);
        var weights = VisionTestCheckpoint.RandomWeights(vision, seed: 51);
        using var model = VisionTestCheckpoint.LoadVision(VisionTestCheckpoint.Full(vision), weights, ScalarType.Float32);
        var tower = model.model.vision_tower!;
        var pixels = VisionTestCheckpoint.Normal(new Random(7), 3 * 42 * 70);
        using var x = tensor(pixels, [1, 3, 42, 70]);

        using var embeddings = tower.forward(x, visionFeatureLayer: 0); // hidden_states[0] = embeddings output

        Assert.Equal([1L, 1 + 3 * 5, 8], embeddings.shape);
        // Naive: conv by loops with the original table, then swap in bicubically resized patch positions.
        var naive = new NaiveVision(weights, vision);
        var withoutResize = naive.Embeddings(pixels.Select(v => (double)v).ToArray(), 42, 70);
        var table = naive.W("model.vision_tower.embeddings.position_embeddings");
        var resized = NaiveVision.Bicubic(table.Skip(8).ToArray(), 4, 4, 8, 3, 5);
        var expected = (double[])withoutResize.Clone();
        for (var n = 8; n < expected.Length; n++)
            expected[n] = withoutResize[n] - table[n] + resized[n - 8];
        VisionAssert.Close(expected, NaiveVision.ToDoubles(embeddings), 2e-5, 2e-5, "resized embeddings");
        VisionTestCheckpoint.DisposeAll(weights);
    }

    [Fact]
    public void Vision_feature_layer_selects_the_hidden_state_after_that_many_layers()
    {
        var vision = VisionTestCheckpoint.Vision(s1Like: false, imageSize: 56, hidden: 8, heads: 2, layers: 3, intermediate: 16);
        var weights = VisionTestCheckpoint.RandomWeights(vision, seed: 52);
        using var model = VisionTestCheckpoint.LoadVision(VisionTestCheckpoint.Full(vision), weights, ScalarType.Float32);
        var tower = model.model.vision_tower!;
        var pixels = VisionTestCheckpoint.Normal(new Random(8), 3 * 56 * 56);
        using var x = tensor(pixels, [1, 3, 56, 56]);
        var naive = new NaiveVision(weights, vision);
        var state = naive.Embeddings(pixels.Select(v => (double)v).ToArray(), 56, 56);
        var states = new List<double[]> { state };
        for (var l = 0; l < 3; l++) states.Add(state = naive.Layer(l, state, 17));

        foreach (var (layer, index) in new[] { (-1, 3), (-2, 2), (0, 0), (1, 1), (3, 3) })
        {
            using var actual = tower.forward(x, layer);
            VisionAssert.Close(states[index], NaiveVision.ToDoubles(actual), 2e-5, 2e-5, $"vision_feature_layer {layer}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => tower.forward(x, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => tower.forward(x, -5));
        VisionTestCheckpoint.DisposeAll(weights);
    }

    [Fact]
    public void Pixels_with_the_wrong_channel_count_are_refused()
    {
        var vision = VisionTestCheckpoint.Vision(s1Like: true, imageSize: 56, hidden: 8);
        using var tower = new InternS1VisionModel(vision, ScalarType.Float32);
        using var x = zeros(1, 4, 56, 56);

        var error = Assert.Throws<ArgumentException>(() => tower.forward(x));

        Assert.Contains("[tiles, 3, height, width]", error.Message);
    }
}
