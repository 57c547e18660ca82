using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Modeling;
using InternS1.Engine.Torch.Running;
using InternS1.Engine.Torch.Tests.Support;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

/// <summary>The vision tower and projector as part of the runner's model: loaded from the checkpoint
/// files through the runner, skipped for a text-only runner, and described in <c>Info</c>.</summary>
public class VisionLoadingTests
{
    private static bool IsVision(string name) =>
        name.StartsWith("model.vision_tower.", StringComparison.Ordinal) || name.StartsWith("model.multi_modal_projector.", StringComparison.Ordinal);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_vision_and_projector_tensor_of_the_tiny_checkpoint_loads_unchanged(bool dense)
    {
        using var dir = new TempDir();
        TinyCheckpointWriter.Write(dir.Path, new TinyCheckpointOptions { Dense = dense, Seed = 8 });
        var files = TestSafetensors.ReadFolder(dir.Path).Where(e => IsVision(e.Key)).ToDictionary();

        using var runner = TorchModelRunner.Load(dir.Path, new TorchRunnerOptions { Dtype = ComputeDtype.Float32 });

        var loaded = runner.Model.Root.named_parameters().Where(p => IsVision(p.name)).ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), loaded.Keys.Order(StringComparer.Ordinal));
        // spot-check names that only exist in one variant (notes §4): S1 has q_norm/k_norm, mini has qkv and norm biases
        Assert.Equal(!dense, loaded.ContainsKey("model.vision_tower.encoder.layer.1.attention.q_norm.weight"));
        Assert.Equal(dense, loaded.ContainsKey("model.vision_tower.encoder.layer.1.attention.q_proj.bias"));
        Assert.Equal(dense, loaded.ContainsKey("model.vision_tower.encoder.layer.0.layernorm_before.bias"));
        foreach (var (name, entry) in files)
        {
            Assert.Equal(entry.Shape, loaded[name].shape);
            Assert.Equal(ScalarType.Float32, loaded[name].dtype);
            Assert.True(entry.ToFloats().SequenceEqual(loaded[name].data<float>().ToArray()), name);
        }
        Assert.True(runner.VisionLoaded);
    }

    [Fact]
    public void A_vision_runner_reports_256_tokens_per_tile_and_the_image_context_id()
    {
        using var dir = new TempDir();
        TinyCheckpointWriter.Write(dir.Path, new TinyCheckpointOptions { Dense = true, Seed = 3 });
        using var runner = TorchModelRunner.Load(dir.Path, new TorchRunnerOptions { Dtype = ComputeDtype.Float32 });

        Assert.Equal(256, runner.Info.TokensPerTile);
        Assert.Equal(152957, runner.Info.ImageTokenId);
        Assert.IsType<MultimodalEncoder>(runner.MultimodalEncoder);
    }

    [Fact]
    public void A_text_only_runner_skips_the_vision_tensors_and_reports_no_image_tokens()
    {
        using var dir = new TempDir();
        TinyCheckpointWriter.Write(dir.Path, new TinyCheckpointOptions { Dense = true, Seed = 3 });
        var files = TestSafetensors.ReadFolder(dir.Path);

        using var runner = TorchModelRunner.Load(dir.Path, new TorchRunnerOptions { Dtype = ComputeDtype.Float32, LoadVision = false });

        var names = runner.Model.Root.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Equal(files.Keys.Where(k => !IsVision(k)).ToHashSet(), names);
        Assert.False(runner.VisionLoaded);
        Assert.Null(runner.MultimodalEncoder);
        Assert.Equal(0, runner.Info.TokensPerTile);
        Assert.Equal(-1, runner.Info.ImageTokenId);
        var s1 = Assert.IsType<InternS1ForConditionalGeneration>(runner.Model);
        Assert.Equal(["model.vision_tower.", "model.multi_modal_projector."], s1.UnbuiltPrefixes);
    }

    [Fact]
    public void A_bfloat16_runner_encodes_a_tile_into_bfloat16_rows_close_to_the_float32_ones()
    {
        using var dir = new TempDir();
        TinyCheckpointWriter.Write(dir.Path, new TinyCheckpointOptions { Dense = true, Seed = 3 });
        using var bf16 = TorchModelRunner.Load(dir.Path, new TorchRunnerOptions { Dtype = ComputeDtype.BFloat16 });
        using var fp32 = TorchModelRunner.Load(dir.Path, new TorchRunnerOptions { Dtype = ComputeDtype.Float32 });
        var frame = new MultimodalInput
        {
            Kind = MediaKind.Video, ContentHash = "f", Offset = 0, Length = 256, NumTiles = 1,
            PixelValues = VisionTestCheckpoint.Normal(new Random(2), 3 * 448 * 448),
        };

        using var low = bf16.MultimodalEncoder!.Encode(frame);
        using var high = fp32.MultimodalEncoder!.Encode(frame);

        Assert.Equal(ScalarType.BFloat16, low.dtype);
        Assert.Equal(ScalarType.Float32, high.dtype);
        Assert.Equal([256L, 64], low.shape);
        Assert.Equal([256L, 64], high.shape);
        Assert.InRange(VisionAssert.RelativeRms(NaiveVision.ToDoubles(high), NaiveVision.ToDoubles(low)), 0.0, 0.03);
    }

    [Fact]
    public void A_vision_only_load_takes_only_the_vision_half_and_matches_the_runner_encoder()
    {
        using var dir = new TempDir();
        TinyCheckpointWriter.Write(dir.Path, new TinyCheckpointOptions { Seed = 12 });
        var files = TestSafetensors.ReadFolder(dir.Path).Where(e => IsVision(e.Key)).ToDictionary();
        var config = InternS1Config.Load(dir.Path);
        using var vision = new InternS1ForConditionalGeneration(config, ScalarType.Float32, parts: InternS1Parts.Vision);
        Assert.Equal(["model.language_model.", "lm_head."], vision.UnbuiltPrefixes);
        WeightLoader.Load(vision, dir.Path, WeightLoadOptions.For(config, vision.UnbuiltPrefixes));
        var loaded = vision.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), loaded.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, entry) in files) Assert.True(entry.ToFloats().SequenceEqual(loaded[name]), name);

        var pixels = VisionTestCheckpoint.Normal(new Random(4), 3 * 448 * 448);
        using var tile = tensor(pixels, [1, 3, 448, 448]);
        using var features = vision.model.GetImageFeatures(tile);
        using var runner = TorchModelRunner.Load(dir.Path, new TorchRunnerOptions { Dtype = ComputeDtype.Float32 });
        using var rows = runner.MultimodalEncoder!.Encode(new MultimodalInput
        {
            Kind = MediaKind.Image, ContentHash = "p", Offset = 0, Length = 256, NumTiles = 1, PixelValues = pixels,
        });
        Assert.Equal([1L, 256, 64], features.shape);
        Assert.Equal(NaiveVision.ToDoubles(rows), NaiveVision.ToDoubles(features));
        Assert.Throws<InvalidOperationException>(() => vision.Embed(tensor(new long[] { 1 })));
    }

    [Fact]
    public void A_vision_only_load_refuses_a_text_only_config_by_name()
    {
        var config = InternS1Config.Parse(SmallCheckpoint.ConfigJson);
        var error = Assert.Throws<ModelConfigException>(() => new InternS1ForConditionalGeneration(config, ScalarType.Float32, parts: InternS1Parts.Vision));
        Assert.Contains("config.json has no vision_config", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Vision_parameter_names_are_the_checkpoint_names_of_the_notes(bool s1Like)
    {
        var vision = VisionTestCheckpoint.Vision(s1Like, layers: 3);
        using var model = new InternS1ForConditionalGeneration(VisionTestCheckpoint.Full(vision), ScalarType.Float32, META, InternS1Parts.Vision);

        var actual = model.named_parameters().Select(p => $"{p.name} [{string.Join(",", p.parameter.shape)}]").Order().ToArray();
        var expected = VisionTestCheckpoint.Spec(vision).Select(s => $"{s.Name} [{string.Join(",", s.Shape)}]").Order().ToArray();

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_one_loader_names_vision_tensors_the_config_does_not_build_and_those_it_lacks()
    {
        // An S1-like checkpoint (q_norm/k_norm) under a config that says use_qk_norm false, with one lambda_2 removed.
        var s1 = VisionTestCheckpoint.Vision(s1Like: true, layers: 2);
        var weights = VisionTestCheckpoint.RandomWeights(s1, seed: 43);
        weights.Remove("model.vision_tower.encoder.layer.1.lambda_2", out var removed);
        removed!.Dispose();

        var error = Assert.Throws<CheckpointMismatchException>(() =>
            VisionTestCheckpoint.LoadVision(VisionTestCheckpoint.Full(s1 with { UseQkNorm = false }), weights, ScalarType.Float32));

        Assert.Equal(["model.vision_tower.encoder.layer.1.lambda_2 [32] (not in model.safetensors)"], error.Missing);
        Assert.Equal(
            ["model.vision_tower.encoder.layer.0.attention.k_norm.weight [32] (model.safetensors)",
             "model.vision_tower.encoder.layer.0.attention.q_norm.weight [32] (model.safetensors)",
             "model.vision_tower.encoder.layer.1.attention.k_norm.weight [32] (model.safetensors)",
             "model.vision_tower.encoder.layer.1.attention.q_norm.weight [32] (model.safetensors)"],
            error.Unexpected.Order(StringComparer.Ordinal));
        VisionTestCheckpoint.DisposeAll(weights);
    }
}
