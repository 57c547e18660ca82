using System.Text.Json.Nodes;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Modeling;

namespace InternS1.Engine.Torch.Tests.RealModels;

/// <summary>Our config records against the expected real config.json texts (Fixtures/RealConfigs, written
/// from notes §2): every value the model is built from, and errors that name the JSON key.</summary>
public class RealConfigTests
{
    private static InternS1Config Parse(string model) => InternS1Config.Parse(RealModelTrees.ConfigText(model), model + ".config.json");

    [Fact]
    public void The_Intern_S1_config_parses_to_the_235B_MoE_text_model_and_the_6B_vision_tower()
    {
        var config = Parse("Intern-S1");

        Assert.Equal(["InternS1ForConditionalGeneration"], config.Architectures);
        Assert.False(CausalLanguageModels.IsPlainQwen3(config));
        Assert.Equal((152957, 256, 0.5, -1, "default", false), (config.ImageTokenId, config.ImageSeqLength, config.DownsampleRatio,
            config.VisionFeatureLayer, config.VisionFeatureSelectStrategy, config.TiedEmbeddings));
        Assert.Null(config.Quantization);
        var t = config.TextConfig;
        Assert.Equal(("qwen3_moe", 153216, 4096, 94, 64, 4, 128), (t.ModelType, t.VocabSize, t.HiddenSize, t.NumHiddenLayers,
            t.NumAttentionHeads, t.KeyValueHeads, t.HeadDim));
        Assert.Equal((128, 8, 1536, true), (t.NumExperts, t.NumExpertsPerTok, t.MoeIntermediateSize, t.NormTopkProb));
        Assert.All(Enumerable.Range(0, 94), l => Assert.True(t.IsSparseLayer(l)));
        Assert.Equal((1e-6, 1_000_000.0, 40960, false, false), (t.RmsNormEps, t.RopeTheta, t.MaxPositionEmbeddings, t.AttentionBias, t.UseSlidingWindow));
        Assert.Null(t.RopeScaling);
        Assert.Equal([151645], t.EosTokenId);
        var v = config.VisionConfig!;
        Assert.Equal((3200, 45, 25, 128, 12800), (v.HiddenSize, v.NumHiddenLayers, v.NumAttentionHeads, v.HeadDim, v.IntermediateSize));
        Assert.Equal((true, true, false, 1e-6, true), (v.UsesRmsNorm, v.UseQkNorm, v.AttentionBias, v.LayerNormEps, v.UseMeanPooling));
        Assert.Equal([448, 448], v.ImageSize);
        Assert.Equal([14, 14], v.PatchSize);
        Assert.Equal(32, v.PatchesPerSide);
    }

    [Fact]
    public void The_Intern_S1_mini_config_parses_to_the_dense_8B_text_model_and_the_300M_vision_tower()
    {
        var config = Parse("Intern-S1-mini");

        var t = config.TextConfig;
        Assert.Equal(("qwen3", 153216, 4096, 36, 32, 8, 128, 12288), (t.ModelType, t.VocabSize, t.HiddenSize, t.NumHiddenLayers,
            t.NumAttentionHeads, t.KeyValueHeads, t.HeadDim, t.IntermediateSize));
        Assert.False(t.IsMoe);
        var v = config.VisionConfig!;
        Assert.Equal((1024, 24, 16, 64, 4096), (v.HiddenSize, v.NumHiddenLayers, v.NumAttentionHeads, v.HeadDim, v.IntermediateSize));
        Assert.Equal((false, false, true), (v.UsesRmsNorm, v.UseQkNorm, v.AttentionBias));
        Assert.Equal((152957, 256), (config.ImageTokenId, config.ImageSeqLength));
    }

    [Fact]
    public void The_Intern_S1_FP8_config_carries_block_fp8_quantisation_and_the_loader_takes_its_block_size()
    {
        var config = Parse("Intern-S1-FP8");

        var q = config.Quantization!;
        Assert.Equal(("fp8", "e4m3", "dynamic"), (q.QuantMethod, q.Fmt, q.ActivationScheme));
        Assert.Equal([128, 128], q.WeightBlockSize);
        Assert.Equal([128, 128], WeightLoadOptions.For(config, []).Fp8BlockSize);
        Assert.Equal((94, 128), (config.TextConfig.NumHiddenLayers, config.TextConfig.NumExperts));
    }

    [Theory]
    [InlineData("text_config.num_experts_per_tok", "129", "text_config.num_experts_per_tok (129) must be <= num_experts (128)")]
    [InlineData("text_config.num_key_value_heads", "5", "text_config.num_attention_heads (64) must be a multiple of num_key_value_heads (5)")]
    [InlineData("text_config.hidden_size", "0", "text_config.hidden_size (0) must be > 0")]
    [InlineData("text_config.hidden_act", "\"gelu\"", "text_config.hidden_act 'gelu' is not supported")]
    [InlineData("text_config.num_hidden_layers", "\"many\"", "$.text_config.num_hidden_layers")]
    [InlineData("vision_config.norm_type", "\"batch_norm\"", "vision_config.norm_type 'batch_norm' must be 'rms_norm' or 'layer_norm'")]
    [InlineData("vision_config.num_attention_heads", "24", "vision_config.hidden_size (3200) must be a positive multiple of num_attention_heads (24)")]
    [InlineData("vision_config.image_size", "[448, 440]", "vision_config.image_size (448x440) must be a multiple of patch_size (14x14)")]
    [InlineData("image_seq_length", "255", "image_seq_length (255) must equal ((image_size/patch_size) x downsample_ratio)^2 = 256")]
    [InlineData("image_token_id", "153216", "image_token_id (153216) must be < text_config.vocab_size (153216)")]
    [InlineData("downsample_ratio", "1.5", "downsample_ratio (1.5) must be in (0, 1]")]
    [InlineData("projector_hidden_act", "\"relu\"", "projector_hidden_act 'relu' is not supported")]
    public void A_broken_value_in_the_real_config_is_refused_with_a_message_naming_its_key(string key, string value, string message)
    {
        var root = JsonNode.Parse(RealModelTrees.ConfigText("Intern-S1"))!.AsObject();
        var path = key.Split('.');
        var owner = path[..^1].Aggregate(root, (node, part) => node[part]!.AsObject());
        owner[path[^1]] = JsonNode.Parse(value);

        var error = Assert.Throws<ModelConfigException>(() => InternS1Config.Parse(root.ToJsonString(), "Intern-S1.config.json"));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_missing_required_key_is_named()
    {
        var root = JsonNode.Parse(RealModelTrees.ConfigText("Intern-S1-mini"))!.AsObject();
        root["vision_config"]!.AsObject().Remove("intermediate_size");

        var error = Assert.Throws<ModelConfigException>(() => InternS1Config.Parse(root.ToJsonString(), "Intern-S1-mini.config.json"));

        Assert.Contains("Intern-S1-mini.config.json", error.Message);
        Assert.Contains("intermediate_size", error.Message);
    }
}
