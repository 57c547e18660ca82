using InternS1.Engine.Torch.Checkpoints;

namespace InternS1.Engine.Torch.Tests.RealModels;

/// <summary>
/// The tensor names and shapes of the real Intern-S1, Intern-S1-mini and Intern-S1-FP8 <c>weight_map</c>s,
/// written from shared/notes/intern-s1.md §4 (name patterns) and §2 (sizes): every number below is the
/// notes' number, typed here, never read from our config records or modules.
/// </summary>
internal static class RealCheckpointLayout
{
    private const long Vocab = 153216, TextHidden = 4096, HeadDim = 128;

    /// <summary>Intern-S1: Qwen3-MoE 235B-A22B (94 layers, 64 q heads, 4 kv heads, 128 experts of 1536)
    /// + InternViT-6B (45 layers, 3200 wide, RMSNorm, QK-norm, no qkv bias) + projector 12800 -> 4096.</summary>
    public static Dictionary<string, long[]> InternS1()
    {
        var names = Language(layers: 94, qHeads: 64, kvHeads: 4);
        for (var l = 0; l < 94; l++)
        {
            var p = $"model.language_model.layers.{l}.mlp.";
            names[p + "gate.weight"] = [128, TextHidden];
            for (var e = 0; e < 128; e++)
            {
                names[p + $"experts.{e}.gate_proj.weight"] = [1536, TextHidden];
                names[p + $"experts.{e}.up_proj.weight"] = [1536, TextHidden];
                names[p + $"experts.{e}.down_proj.weight"] = [TextHidden, 1536];
            }
        }
        AddVision(names, width: 3200, intermediate: 12800, layers: 45, rmsNormQkNorm: true);
        return names;
    }

    /// <summary>Intern-S1-mini: Qwen3-8B dense (36 layers, 32 q heads, 8 kv heads, MLP 12288) + InternViT-300M
    /// (24 layers, 1024 wide, LayerNorm, qkv bias) + projector 4096 -> 4096.</summary>
    public static Dictionary<string, long[]> InternS1Mini()
    {
        var names = Language(layers: 36, qHeads: 32, kvHeads: 8);
        for (var l = 0; l < 36; l++)
        {
            var p = $"model.language_model.layers.{l}.mlp.";
            names[p + "gate_proj.weight"] = [12288, TextHidden];
            names[p + "up_proj.weight"] = [12288, TextHidden];
            names[p + "down_proj.weight"] = [TextHidden, 12288];
        }
        AddVision(names, width: 1024, intermediate: 4096, layers: 24, rmsNormQkNorm: false);
        return names;
    }

    /// <summary>True for the tensors notes §4.1 expects in <c>F8_E4M3</c> in Intern-S1-FP8 [U]: every
    /// language-model attention projection and expert projection. Everything else stays BF16.</summary>
    public static bool IsFp8(string name) =>
        name.StartsWith("model.language_model.layers.", StringComparison.Ordinal)
        && (name.Contains(".self_attn.") && name.EndsWith("_proj.weight", StringComparison.Ordinal)
            || name.Contains(".mlp.experts.", StringComparison.Ordinal));

    /// <summary>The safetensors header of Intern-S1-FP8 per notes §4.1: the Intern-S1 names, the FP8 ones as
    /// <c>F8_E4M3</c> plus an <c>F32</c> <c>weight_scale_inv</c> of [ceil(out/128), ceil(in/128)], the rest BF16,
    /// spread over shards of about 5 GB like the released folders. No data: headers only.</summary>
    public static Dictionary<string, SafetensorsTensorInfo> InternS1Fp8Header()
    {
        var header = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
        var shard = 1;
        long inShard = 0;
        void Add(string name, SafetensorsDtype dtype, long[] shape)
        {
            var bytes = shape.Aggregate(1L, (a, b) => a * b) * dtype.ElementSize();
            if (inShard + bytes > 5_000_000_000) (shard, inShard) = (shard + 1, 0);
            header[name] = new SafetensorsTensorInfo(name, dtype.Name(), dtype, shape, $"model-{shard:D5}-of-00050.safetensors", inShard, bytes);
            inShard += bytes;
        }
        foreach (var (name, shape) in InternS1())
        {
            if (!IsFp8(name))
            {
                Add(name, SafetensorsDtype.BF16, shape);
                continue;
            }
            Add(name, SafetensorsDtype.F8_E4M3, shape);
            Add(name + "_scale_inv", SafetensorsDtype.F32, [(shape[0] + 127) / 128, (shape[1] + 127) / 128]);
        }
        return header;
    }

    private static Dictionary<string, long[]> Language(int layers, long qHeads, long kvHeads)
    {
        var names = new Dictionary<string, long[]>(StringComparer.Ordinal)
        {
            ["model.language_model.embed_tokens.weight"] = [Vocab, TextHidden],
            ["model.language_model.norm.weight"] = [TextHidden],
            ["lm_head.weight"] = [Vocab, TextHidden],
        };
        for (var l = 0; l < layers; l++)
        {
            var p = $"model.language_model.layers.{l}.";
            names[p + "input_layernorm.weight"] = [TextHidden];
            names[p + "post_attention_layernorm.weight"] = [TextHidden];
            names[p + "self_attn.q_proj.weight"] = [qHeads * HeadDim, TextHidden];
            names[p + "self_attn.k_proj.weight"] = [kvHeads * HeadDim, TextHidden];
            names[p + "self_attn.v_proj.weight"] = [kvHeads * HeadDim, TextHidden];
            names[p + "self_attn.o_proj.weight"] = [TextHidden, qHeads * HeadDim];
            names[p + "self_attn.q_norm.weight"] = [HeadDim];
            names[p + "self_attn.k_norm.weight"] = [HeadDim];
        }
        return names;
    }

    /// <summary>Vision tower (448 px tiles, 14 px patches: 1024 patches + CLS) and projector (4 x width -> 4096).</summary>
    private static void AddVision(Dictionary<string, long[]> names, long width, long intermediate, int layers, bool rmsNormQkNorm)
    {
        const string t = "model.vision_tower.";
        names[t + "embeddings.cls_token"] = [1, 1, width];
        names[t + "embeddings.position_embeddings"] = [1, 1025, width];
        names[t + "embeddings.patch_embeddings.projection.weight"] = [width, 3, 14, 14];
        names[t + "embeddings.patch_embeddings.projection.bias"] = [width];
        for (var l = 0; l < layers; l++)
        {
            var p = $"{t}encoder.layer.{l}.";
            names[p + "layernorm_before.weight"] = [width];
            names[p + "layernorm_after.weight"] = [width];
            foreach (var proj in new[] { "q_proj", "k_proj", "v_proj" })
                names[$"{p}attention.{proj}.weight"] = [width, width];
            if (rmsNormQkNorm)
            {
                names[p + "attention.q_norm.weight"] = [width];
                names[p + "attention.k_norm.weight"] = [width];
            }
            else
            {
                // mini: LayerNorm (weight + bias) and biased q/k/v
                names[p + "layernorm_before.bias"] = [width];
                names[p + "layernorm_after.bias"] = [width];
                foreach (var proj in new[] { "q_proj", "k_proj", "v_proj" })
                    names[$"{p}attention.{proj}.bias"] = [width];
            }
            names[p + "attention.projection_layer.weight"] = [width, width];
            names[p + "attention.projection_layer.bias"] = [width];
            names[p + "lambda_1"] = [width];
            names[p + "lambda_2"] = [width];
            names[p + "mlp.fc1.weight"] = [intermediate, width];
            names[p + "mlp.fc1.bias"] = [intermediate];
            names[p + "mlp.fc2.weight"] = [width, intermediate];
            names[p + "mlp.fc2.bias"] = [width];
        }
        const string m = "model.multi_modal_projector.";
        names[m + "layer_norm.weight"] = [4 * width];
        names[m + "layer_norm.bias"] = [4 * width];
        names[m + "linear_1.weight"] = [TextHidden, 4 * width];
        names[m + "linear_1.bias"] = [TextHidden];
        names[m + "linear_2.weight"] = [TextHidden, TextHidden];
        names[m + "linear_2.bias"] = [TextHidden];
    }
}
