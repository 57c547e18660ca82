using InternS1.Engine.Torch.Modeling.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

public class VisionWeightLoaderTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Module_parameter_names_are_the_checkpoint_names_of_the_notes(bool s1Like)
    {
        var vision = VisionTestCheckpoint.Vision(s1Like, layers: 3);
        var config = VisionTestCheckpoint.Full(vision);
        using var tower = new InternS1VisionModel(vision, META);
        using var projector = new InternS1MultiModalProjector(config, META);

        var actual = tower.named_parameters().Select(p => ("model.vision_tower." + p.name, p.parameter.shape))
            .Concat(projector.named_parameters().Select(p => ("model.multi_modal_projector." + p.name, p.parameter.shape)))
            .Select(p => $"{p.Item1} [{string.Join(",", p.shape)}]").Order().ToArray();
        var expected = VisionTestCheckpoint.Spec(vision)
            .Select(s => $"{s.Name} [{string.Join(",", s.Shape)}]").Order().ToArray();

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Loading_copies_every_tensor_in_the_requested_dtype_and_leaves_the_source_usable()
    {
        var vision = VisionTestCheckpoint.Vision(s1Like: false, layers: 1);
        var weights = VisionTestCheckpoint.RandomWeights(vision, seed: 41);
        using var tower = InternS1VisionModel.FromCheckpoint(vision, weights, ScalarType.BFloat16);

        foreach (var (name, parameter) in tower.named_parameters())
        {
            Assert.Equal(ScalarType.BFloat16, parameter.dtype);
            Assert.Equal(DeviceType.CPU, parameter.device_type);
            Assert.False(parameter.requires_grad);
            var source = weights["model.vision_tower." + name];
            Assert.True(source.to(ScalarType.BFloat16).eq(parameter).all().item<bool>(), name);
            Assert.Equal(ScalarType.Float32, source.dtype); // still alive and unchanged
        }
        VisionTestCheckpoint.DisposeAll(weights);
    }

    [Fact]
    public void A_missing_tensor_is_named_in_the_error()
    {
        var vision = VisionTestCheckpoint.Vision(s1Like: true);
        var weights = VisionTestCheckpoint.RandomWeights(vision, seed: 42);
        weights.Remove("model.vision_tower.encoder.layer.1.attention.k_norm.weight");

        var error = Assert.Throws<VisionWeightsException>(() =>
            InternS1VisionModel.FromCheckpoint(vision, weights, ScalarType.Float32));

        Assert.Equal(["model.vision_tower.encoder.layer.1.attention.k_norm.weight"], error.Missing);
        Assert.Contains("1 missing (model.vision_tower.encoder.layer.1.attention.k_norm.weight)", error.Message);
        VisionTestCheckpoint.DisposeAll(weights);
    }

    [Fact]
    public void An_unexpected_tensor_under_the_prefix_is_named_and_other_prefixes_are_ignored()
    {
        // A mini-like config (no qk-norm) given an S1-like checkpoint: the q_norm/k_norm tensors are unexpected.
        var s1 = VisionTestCheckpoint.Vision(s1Like: true, layers: 1);
        var weights = VisionTestCheckpoint.RandomWeights(s1, seed: 43);
        weights["model.language_model.embed_tokens.weight"] = zeros(4, 4);
        var noQkNorm = s1 with { UseQkNorm = false };

        var error = Assert.Throws<VisionWeightsException>(() =>
            InternS1VisionModel.FromCheckpoint(noQkNorm, weights, ScalarType.Float32));

        Assert.Equal(
            ["model.vision_tower.encoder.layer.0.attention.k_norm.weight", "model.vision_tower.encoder.layer.0.attention.q_norm.weight"],
            error.Unexpected);
        Assert.Empty(error.Missing);
        Assert.Contains("2 unexpected", error.Message);
        VisionTestCheckpoint.DisposeAll(weights);
    }

    [Fact]
    public void A_misshaped_tensor_is_named_with_both_shapes_and_the_module_is_left_untouched()
    {
        var vision = VisionTestCheckpoint.Vision(s1Like: true, layers: 1);
        var config = VisionTestCheckpoint.Full(vision);
        var weights = VisionTestCheckpoint.RandomWeights(vision, seed: 44);
        weights["model.multi_modal_projector.linear_1.weight"] = zeros(48, 64);
        using var projector = new InternS1MultiModalProjector(config, META);

        var error = Assert.Throws<VisionWeightsException>(() =>
            VisionWeightLoader.Load(projector, VisionWeightLoader.ProjectorPrefix, weights, ScalarType.Float32));

        Assert.Equal(["model.multi_modal_projector.linear_1.weight: expected [48, 128] floating point, found [48, 64] Float32"],
            error.Misshaped);
        Assert.All(projector.parameters(), p => Assert.Equal(DeviceType.META, p.device_type));
        VisionTestCheckpoint.DisposeAll(weights);
    }

    [Fact]
    public void Streaming_load_reads_each_tensor_once_disposes_it_and_reports_a_wrong_dtype()
    {
        var vision = VisionTestCheckpoint.Vision(s1Like: true, layers: 1);
        var config = VisionTestCheckpoint.Full(vision);
        var weights = VisionTestCheckpoint.RandomWeights(vision, seed: 45);
        var reads = new List<string>();
        var handedOut = new List<Tensor>();
        Tensor Read(string name)
        {
            reads.Add(name);
            var copy = name.EndsWith("layer_norm.bias") ? weights[name].to(ScalarType.Int32) : weights[name].clone();
            handedOut.Add(copy);
            return copy;
        }
        using var projector = new InternS1MultiModalProjector(config, META);

        var error = Assert.Throws<VisionWeightsException>(() =>
            VisionWeightLoader.Load(projector, VisionWeightLoader.ProjectorPrefix, weights.Keys, Read, ScalarType.Float32));

        Assert.Single(error.Misshaped);
        Assert.StartsWith("model.multi_modal_projector.layer_norm.bias: expected [128] floating point, found [128] Int32", error.Misshaped[0]);
        Assert.Equal(6, reads.Count);
        Assert.Equal(reads.Count, reads.Distinct().Count());
        Assert.All(handedOut, t => Assert.True(t.IsInvalid));
        VisionTestCheckpoint.DisposeAll(weights);
    }

    [Fact]
    public void Streaming_load_refuses_missing_names_before_reading_anything()
    {
        var vision = VisionTestCheckpoint.Vision(s1Like: true, layers: 1);
        var config = VisionTestCheckpoint.Full(vision);
        using var projector = new InternS1MultiModalProjector(config, META);
        var names = VisionTestCheckpoint.Spec(vision).Select(s => s.Name).Where(n => !n.EndsWith("linear_2.bias"));

        var error = Assert.Throws<VisionWeightsException>(() =>
            VisionWeightLoader.Load(projector, VisionWeightLoader.ProjectorPrefix, names,
                name => throw new InvalidOperationException($"read {name}"), ScalarType.Float32));

        Assert.Equal(["model.multi_modal_projector.linear_2.bias"], error.Missing);
    }
}
