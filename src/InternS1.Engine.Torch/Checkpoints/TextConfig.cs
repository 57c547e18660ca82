using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>
/// The language model part of config.json (<c>text_config</c> of Intern-S1, or a whole plain
/// Qwen3 / Qwen3-MoE config). Mirrors transformers' <c>Qwen3Config</c> / <c>Qwen3MoeConfig</c>;
/// deserialised with a snake_case naming policy, so property names are the JSON keys.
/// </summary>
public sealed record TextConfig
{
    /// <summary><c>qwen3</c> (dense, Intern-S1-mini) or <c>qwen3_moe</c> (Intern-S1).</summary>
    public string ModelType { get; init; } = "qwen3";

    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public int IntermediateSize { get; init; }
    public required int NumHiddenLayers { get; init; }
    public required int NumAttentionHeads { get; init; }
    public int? NumKeyValueHeads { get; init; }

    /// <summary>Explicit head size; Qwen3 sets it (128) even when hidden/heads differs.</summary>
    [JsonPropertyName("head_dim")]
    public int? HeadDimOverride { get; init; }

    public string HiddenAct { get; init; } = "silu";
    public int MaxPositionEmbeddings { get; init; } = 40960;
    public double RmsNormEps { get; init; } = 1e-6;
    public double RopeTheta { get; init; } = 1_000_000;

    /// <summary>Rope scaling (null for plain RoPE): keys <c>rope_type</c>/<c>type</c>, <c>factor</c>, ...</summary>
    public JsonElement? RopeScaling { get; init; }

    public bool AttentionBias { get; init; }
    public bool TieWordEmbeddings { get; init; }
    public bool UseSlidingWindow { get; init; }
    public int? SlidingWindow { get; init; }
    public IReadOnlyList<string>? LayerTypes { get; init; }

    // --- Mixture of experts (qwen3_moe) ---
    public int NumExperts { get; init; }
    public int NumExpertsPerTok { get; init; }
    public int MoeIntermediateSize { get; init; }
    public bool NormTopkProb { get; init; }
    public int DecoderSparseStep { get; init; } = 1;
    public IReadOnlyList<int> MlpOnlyLayers { get; init; } = [];

    [JsonConverter(typeof(IntOrIntListConverter))]
    public IReadOnlyList<int>? EosTokenId { get; init; }
    public int? BosTokenId { get; init; }
    public int? PadTokenId { get; init; }

    /// <summary>FP8 and other quantisation settings (LMDeploy reads them here or at the top level).</summary>
    public QuantizationConfig? QuantizationConfig { get; init; }

    /// <summary><c>torch_dtype</c> (transformers 4) or <c>dtype</c> (transformers 5).</summary>
    public string? TorchDtype { get; init; }
    public string? Dtype { get; init; }

    // --- derived ---

    /// <summary>Falls back to hidden_size / num_attention_heads when head_dim is absent.</summary>
    [JsonIgnore]
    public int HeadDim => HeadDimOverride ?? HiddenSize / NumAttentionHeads;

    [JsonIgnore]
    public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;

    [JsonIgnore]
    public bool IsMoe => NumExperts > 0;

    /// <summary>Qwen3-MoE's rule: layer i is sparse unless listed in mlp_only_layers, when
    /// num_experts &gt; 0 and (i + 1) % decoder_sparse_step == 0.</summary>
    public bool IsSparseLayer(int layer) =>
        IsMoe && !MlpOnlyLayers.Contains(layer) && DecoderSparseStep > 0 && (layer + 1) % DecoderSparseStep == 0;

    /// <summary>Checks the values; messages name the JSON key.</summary>
    public void Validate(string prefix = "text_config.")
    {
        void Positive(string key, int v)
        {
            if (v <= 0) throw new ModelConfigException($"{prefix}{key} ({v}) must be > 0");
        }

        Positive("vocab_size", VocabSize);
        Positive("hidden_size", HiddenSize);
        Positive("num_hidden_layers", NumHiddenLayers);
        Positive("num_attention_heads", NumAttentionHeads);
        Positive("num_key_value_heads", KeyValueHeads);
        Positive("head_dim", HeadDim);
        if (NumAttentionHeads % KeyValueHeads != 0)
            throw new ModelConfigException($"{prefix}num_attention_heads ({NumAttentionHeads}) must be a multiple of num_key_value_heads ({KeyValueHeads})");
        if (HiddenAct != "silu")
            throw new ModelConfigException($"{prefix}hidden_act '{HiddenAct}' is not supported (Qwen3 uses 'silu')");
        if (IsMoe)
        {
            Positive("num_experts_per_tok", NumExpertsPerTok);
            Positive("moe_intermediate_size", MoeIntermediateSize);
            if (NumExpertsPerTok > NumExperts)
                throw new ModelConfigException($"{prefix}num_experts_per_tok ({NumExpertsPerTok}) must be <= num_experts ({NumExperts})");
        }
        if (!IsMoe || Enumerable.Range(0, NumHiddenLayers).Any(l => !IsSparseLayer(l)))
            Positive("intermediate_size", IntermediateSize);
    }
}
