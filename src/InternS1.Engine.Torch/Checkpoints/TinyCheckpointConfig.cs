using System.Text.Json.Nodes;

namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>The config.json and generation_config.json texts of a tiny checkpoint, in the key
/// structure of the released Intern-S1 / Intern-S1-mini files (notes §2, §8).</summary>
public static class TinyCheckpointConfig
{
    /// <summary>config.json for <paramref name="o"/>.</summary>
    public static string ConfigJson(TinyCheckpointOptions o)
    {
        var text = new JsonObject
        {
            ["architectures"] = new JsonArray(o.Dense ? "Qwen3ForCausalLM" : "Qwen3MoeForCausalLM"),
            ["attention_bias"] = false,
            ["attention_dropout"] = 0.0,
            ["bos_token_id"] = o.BosTokenId,
            ["eos_token_id"] = o.EosTokenId,
            ["head_dim"] = o.HeadDim,
            ["hidden_act"] = "silu",
            ["hidden_size"] = o.HiddenSize,
            ["initializer_range"] = 0.02,
            ["intermediate_size"] = o.IntermediateSize,
            ["max_position_embeddings"] = o.MaxPositionEmbeddings,
            ["max_window_layers"] = o.NumHiddenLayers,
            ["model_type"] = o.Dense ? "qwen3" : "qwen3_moe",
            ["num_attention_heads"] = o.NumAttentionHeads,
            ["num_hidden_layers"] = o.NumHiddenLayers,
            ["num_key_value_heads"] = o.NumKeyValueHeads,
            ["rms_norm_eps"] = 1e-6,
            ["rope_scaling"] = null,
            ["rope_theta"] = o.RopeTheta,
            ["sliding_window"] = null,
            ["tie_word_embeddings"] = false,
            ["torch_dtype"] = "bfloat16",
            ["use_cache"] = true,
            ["use_sliding_window"] = false,
            ["vocab_size"] = o.VocabSize,
        };
        if (!o.Dense)
        {
            text["decoder_sparse_step"] = 1;
            text["mlp_only_layers"] = new JsonArray();
            text["moe_intermediate_size"] = o.MoeIntermediateSize;
            text["norm_topk_prob"] = true;
            text["num_experts"] = o.NumExperts;
            text["num_experts_per_tok"] = o.NumExpertsPerTok;
            text["output_router_logits"] = false;
            text["router_aux_loss_coef"] = 0.001;
        }
        var vision = new JsonObject
        {
            ["architectures"] = new JsonArray("InternVisionModel"),
            ["attention_bias"] = o.Dense,
            ["attention_dropout"] = 0.0,
            ["drop_path_rate"] = 0.0,
            ["dropout"] = 0.0,
            ["hidden_act"] = "gelu",
            ["hidden_dropout_prob"] = 0.0,
            ["hidden_size"] = o.VisionHiddenSize,
            ["image_size"] = new JsonArray(448, 448),
            ["initializer_factor"] = 0.1,
            ["initializer_range"] = 1e-10,
            ["intermediate_size"] = o.VisionIntermediateSize,
            ["layer_norm_eps"] = 1e-6,
            ["layer_scale_init_value"] = 0.1,
            ["model_type"] = "interns1_vision",
            ["norm_type"] = o.Dense ? "layer_norm" : "rms_norm",
            ["num_attention_heads"] = o.VisionNumAttentionHeads,
            ["num_channels"] = 3,
            ["num_hidden_layers"] = o.VisionNumHiddenLayers,
            ["patch_size"] = new JsonArray(14, 14),
            ["projection_dropout"] = 0.0,
            ["torch_dtype"] = "bfloat16",
            ["use_absolute_position_embeddings"] = true,
            ["use_mask_token"] = false,
            ["use_mean_pooling"] = true,
            ["use_qk_norm"] = !o.Dense,
        };
        var root = new JsonObject
        {
            ["architectures"] = new JsonArray("InternS1ForConditionalGeneration"),
            ["auto_map"] = new JsonObject
            {
                ["AutoConfig"] = "configuration_interns1.InternS1Config",
                ["AutoModel"] = "modeling_interns1.InternS1Model",
                ["AutoModelForCausalLM"] = "modeling_interns1.InternS1ForConditionalGeneration",
            },
            ["downsample_ratio"] = 0.5,
            ["image_seq_length"] = 256,
            ["image_token_id"] = o.ImageTokenId,
            ["model_type"] = "interns1",
            ["projector_hidden_act"] = "gelu",
            ["text_config"] = text,
            ["tie_word_embeddings"] = false,
            ["torch_dtype"] = "bfloat16",
            ["transformers_version"] = "4.53.0",
            ["vision_config"] = vision,
            ["vision_feature_layer"] = -1,
            ["vision_feature_select_strategy"] = "default",
        };
        return root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>generation_config.json as shipped with Intern-S1-mini / -FP8.</summary>
    public static string GenerationConfigJson(TinyCheckpointOptions o) =>
        new JsonObject
        {
            ["_from_model_config"] = true,
            ["bos_token_id"] = o.BosTokenId,
            ["eos_token_id"] = o.EosTokenId,
            ["transformers_version"] = "4.53.0",
        }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
}
