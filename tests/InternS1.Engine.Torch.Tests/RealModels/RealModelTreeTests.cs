using InternS1.Engine.Torch.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.RealModels;

/// <summary>
/// The module trees our code builds from the real config.json texts, listed as <c>name shape dtype</c> on the
/// <c>meta</c> device, against the tensor names and shapes of the real checkpoints written independently from
/// the notes (<see cref="RealCheckpointLayout"/>), and the FP8 header against the loader's expectations.
/// </summary>
public class RealModelTreeTests(RealModelTrees trees) : IClassFixture<RealModelTrees>
{
    private static void AssertSameListing(IEnumerable<string> expected, IEnumerable<string> actual)
    {
        var want = expected.ToHashSet(StringComparer.Ordinal);
        var have = actual.ToHashSet(StringComparer.Ordinal);
        var missing = want.Except(have).Order(StringComparer.Ordinal).Take(5).ToList();
        var extra = have.Except(want).Order(StringComparer.Ordinal).Take(5).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"expected {want.Count} tensors, the tree has {have.Count}.\n  not in the tree: {string.Join("\n    ", missing)}\n  not in the checkpoint: {string.Join("\n    ", extra)}");
    }

    private static IEnumerable<string> Bf16(Dictionary<string, long[]> layout) =>
        layout.Select(t => RealModelTrees.Line(t.Key, t.Value, nameof(ScalarType.BFloat16)));

    [Fact]
    public void The_full_Intern_S1_tree_has_exactly_the_names_and_shapes_of_its_weight_map()
    {
        var tree = trees.InternS1;

        AssertSameListing(Bf16(RealCheckpointLayout.InternS1()), tree.Listing);
        Assert.All(tree.Parameters, p => Assert.Equal(DeviceType.META, p.Device));
        // notes §9: 240.71 B parameters in all, 5.54 B in the vision tower, 0.069 B in the projector
        Assert.InRange(tree.Count(), 240.705e9, 240.715e9);
        Assert.InRange(tree.Count("model.vision_tower."), 5.535e9, 5.545e9);
        Assert.InRange(tree.Count("model.multi_modal_projector."), 0.0685e9, 0.0695e9);
    }

    [Fact]
    public void The_Intern_S1_mini_tree_has_exactly_the_names_and_shapes_of_its_weight_map()
    {
        var tree = trees.InternS1Mini;

        AssertSameListing(Bf16(RealCheckpointLayout.InternS1Mini()), tree.Listing);
        Assert.All(tree.Parameters, p => Assert.Equal(DeviceType.META, p.Device));
        // notes §9: 8.54 B in all, 8.20 B language model, 0.304 B vision tower, 0.034 B projector
        Assert.InRange(tree.Count(), 8.535e9, 8.545e9);
        Assert.InRange(tree.Count("model.language_model.") + tree.Count("lm_head."), 8.195e9, 8.205e9);
        Assert.InRange(tree.Count("model.vision_tower."), 0.3035e9, 0.3045e9);
        Assert.InRange(tree.Count("model.multi_modal_projector."), 0.0335e9, 0.0345e9);
    }

    [Fact]
    public void The_FP8_config_builds_the_Intern_S1_tree_in_the_compute_dtype()
    {
        AssertSameListing(Bf16(RealCheckpointLayout.InternS1()), trees.InternS1Fp8.Listing);
    }

    [Fact]
    public void The_loader_takes_the_FP8_header_with_block_scaled_linears_and_bf16_everything_else()
    {
        var tree = trees.InternS1Fp8;
        var header = RealCheckpointLayout.InternS1Fp8Header();

        var match = WeightLoader.Match(tree.Shapes, header, WeightLoadOptions.For(tree.Config, tree.UnbuiltPrefixes));

        Assert.True(match.Fits, string.Join("\n", match.Missing.Concat(match.Unexpected).Concat(match.Misshaped).Concat(match.Unsupported).Take(10)));
        var quantized = RealCheckpointLayout.InternS1().Keys.Where(RealCheckpointLayout.IsFp8).ToHashSet();
        Assert.Equal(94 * (4 + 3 * 128), quantized.Count);
        Assert.Equal(quantized.Order(StringComparer.Ordinal), match.Fp8Scales.Keys.Order(StringComparer.Ordinal));
        Assert.All(match.Fp8Scales, p => Assert.Equal(p.Key + "_scale_inv", p.Value));
        Assert.Empty(match.SkippedNames);
        Assert.Empty(match.SkippedByPrefix);
        // e.g. q_proj [8192, 4096] -> scales [64, 32]; an expert's down_proj [4096, 1536] -> [32, 12]
        Assert.Equal([64L, 32], header["model.language_model.layers.0.self_attn.q_proj.weight_scale_inv"].Shape);
        Assert.Equal([32L, 12], header["model.language_model.layers.93.mlp.experts.127.down_proj.weight_scale_inv"].Shape);
    }

    [Fact]
    public void The_loader_refuses_an_FP8_weight_whose_scale_is_missing_or_of_the_wrong_block_shape()
    {
        var tree = trees.InternS1Fp8;
        var header = RealCheckpointLayout.InternS1Fp8Header();
        const string down = "model.language_model.layers.5.mlp.experts.7.down_proj.weight";
        const string k = "model.language_model.layers.2.self_attn.k_proj.weight";
        header[down + "_scale_inv"] = header[down + "_scale_inv"] with { Shape = [12, 32] }; // transposed
        header.Remove(k + "_scale_inv");

        var match = WeightLoader.Match(tree.Shapes, header, WeightLoadOptions.For(tree.Config, tree.UnbuiltPrefixes));

        Assert.False(match.Fits);
        Assert.Equal(2, match.Unsupported.Count);
        Assert.StartsWith($"{k}: F8_E4M3 without {k}_scale_inv", match.Unsupported.Single(u => u.StartsWith(k)));
        Assert.Contains($"'{down}_scale_inv' has shape [12, 32], expected [32, 12] for weight [4096, 1536] with weight_block_size [128, 128]",
            match.Unsupported.Single(u => u.StartsWith(down)));
        Assert.Empty(match.Missing);
        Assert.Empty(match.Unexpected);
    }
}
