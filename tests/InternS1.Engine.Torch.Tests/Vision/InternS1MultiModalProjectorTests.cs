using InternS1.Engine.Torch.Modeling.Vision;
using InternS1.Engine.Torch.Tests.Support;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

public class InternS1MultiModalProjectorTests
{
    [Fact]
    public void Projector_matches_layer_norm_linear_gelu_linear_computed_naively()
    {
        var vision = VisionTestCheckpoint.Vision(s1Like: true);
        var config = VisionTestCheckpoint.Full(vision);
        var weights = VisionTestCheckpoint.RandomWeights(vision, seed: 21);
        using var model = VisionTestCheckpoint.LoadVision(config, weights, ScalarType.Float32);
        const int rows = 10;
        var width = 4 * vision.HiddenSize;
        // offset and scale the input so the LayerNorm's mean and variance matter
        var input = VisionTestCheckpoint.Normal(new Random(4), rows * width, mean: 0.7, std: 3);
        using var x = tensor(input, [2, rows / 2, width]);

        using var y = model.model.multi_modal_projector!.forward(x);

        Assert.Equal([2L, rows / 2, VisionTestCheckpoint.TextHidden], y.shape);
        var expected = new NaiveVision(weights, vision)
            .Projector(input.Select(v => (double)v).ToArray(), rows, width, VisionTestCheckpoint.TextHidden);
        VisionAssert.Close(expected, NaiveVision.ToDoubles(y), 2e-5, 2e-5, "projector");
        VisionTestCheckpoint.DisposeAll(weights);
    }

    [Fact]
    public void Projector_layer_norm_uses_eps_1e_5_not_the_vision_eps()
    {
        // A constant row has zero variance: LayerNorm gives (x - mean)/sqrt(eps) = 0 regardless of eps,
        // so use a row with tiny variance where eps dominates: values ±1e-3 -> variance 1e-6.
        var vision = VisionTestCheckpoint.Vision(s1Like: true, hidden: 2, heads: 1);
        var config = VisionTestCheckpoint.Full(vision);
        using var projector = new InternS1MultiModalProjector(config, ScalarType.Float32);
        Params.Set(projector, "layer_norm.weight", Enumerable.Repeat(1f, 8).ToArray());
        Params.Set(projector, "layer_norm.bias", new float[8]);
        using var x = tensor(new float[] { 1e-3f, -1e-3f, 1e-3f, -1e-3f, 1e-3f, -1e-3f, 1e-3f, -1e-3f }, [1, 8]);
        using var noGrad = no_grad();

        using var y = projector.layer_norm.forward(x);

        // (1e-3) / sqrt(1e-6 + 1e-5) = 0.30151 with weight 1, bias 0
        Assert.Equal(1e-3 / Math.Sqrt(1e-6 + 1e-5), y[0, 0].item<float>(), 4);
    }
}
