using System.Text.Json.Serialization;

namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>
/// <c>vision_config</c> of Intern-S1 (InternViT, transformers' <c>InternS1VisionConfig</c>):
/// InternViT-6B for Intern-S1 (RMSNorm, QK-norm, no qkv bias), InternViT-300M for mini
/// (LayerNorm, qkv bias). Property names are the JSON keys (snake_case policy).
/// </summary>
public sealed record VisionConfig
{
    public string? ModelType { get; init; }
    public required int HiddenSize { get; init; }
    public required int NumHiddenLayers { get; init; }
    public required int NumAttentionHeads { get; init; }
    public required int IntermediateSize { get; init; }

    /// <summary>[height, width] (the JSON may hold one number or a pair).</summary>
    [JsonConverter(typeof(IntPairConverter))]
    public IReadOnlyList<int> ImageSize { get; init; } = [448, 448];

    [JsonConverter(typeof(IntPairConverter))]
    public IReadOnlyList<int> PatchSize { get; init; } = [14, 14];

    public int NumChannels { get; init; } = 3;
    public bool UseQkNorm { get; init; }

    /// <summary><c>rms_norm</c> or <c>layer_norm</c>.</summary>
    public string NormType { get; init; } = "layer_norm";

    public double LayerNormEps { get; init; } = 1e-6;
    public bool AttentionBias { get; init; }
    public string HiddenAct { get; init; } = "gelu";
    public double LayerScaleInitValue { get; init; } = 0.1;
    public bool UseAbsolutePositionEmbeddings { get; init; } = true;
    public bool UseMeanPooling { get; init; } = true;
    public bool UseMaskToken { get; init; }

    [JsonIgnore]
    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Patches per side of a tile (448 / 14 = 32).</summary>
    [JsonIgnore]
    public int PatchesPerSide => ImageSize[0] / PatchSize[0];

    [JsonIgnore]
    public bool UsesRmsNorm => NormType == "rms_norm";

    public void Validate(string prefix = "vision_config.")
    {
        if (HiddenSize <= 0 || NumAttentionHeads <= 0 || HiddenSize % NumAttentionHeads != 0)
            throw new ModelConfigException($"{prefix}hidden_size ({HiddenSize}) must be a positive multiple of num_attention_heads ({NumAttentionHeads})");
        if (NumHiddenLayers <= 0) throw new ModelConfigException($"{prefix}num_hidden_layers ({NumHiddenLayers}) must be > 0");
        if (IntermediateSize <= 0) throw new ModelConfigException($"{prefix}intermediate_size ({IntermediateSize}) must be > 0");
        if (ImageSize.Count != 2 || PatchSize.Count != 2 || ImageSize[0] % PatchSize[0] != 0 || ImageSize[1] % PatchSize[1] != 0)
            throw new ModelConfigException($"{prefix}image_size ({string.Join("x", ImageSize)}) must be a multiple of patch_size ({string.Join("x", PatchSize)})");
        if (NormType is not ("rms_norm" or "layer_norm"))
            throw new ModelConfigException($"{prefix}norm_type '{NormType}' must be 'rms_norm' or 'layer_norm'");
        if (HiddenAct != "gelu")
            throw new ModelConfigException($"{prefix}hidden_act '{HiddenAct}' is not supported (InternViT uses 'gelu')");
    }
}
