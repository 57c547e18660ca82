namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>
/// Dimensions of a tiny random-weight Intern-S1 checkpoint (<see cref="TinyCheckpointWriter"/>).
/// Defaults: Intern-S1's structure (Qwen3-MoE text, InternViT-6B-like vision: RMSNorm + QK-norm, no
/// qkv bias) at small sizes, with the real vocabulary size and special-token ids. <see cref="Dense"/>
/// gives Intern-S1-mini's structure (dense Qwen3, LayerNorm ViT with qkv bias, no QK-norm).
/// </summary>
public sealed record TinyCheckpointOptions
{
    /// <summary>Intern-S1-mini's structure instead of Intern-S1's.</summary>
    public bool Dense { get; init; }

    /// <summary>Seed of every weight (each tensor's values depend only on the seed and its name).</summary>
    public long Seed { get; init; }

    /// <summary>Stored dtype of every tensor (the real checkpoints use BF16).</summary>
    public SafetensorsDtype Dtype { get; init; } = SafetensorsDtype.BF16;

    /// <summary>Number of shards to aim for (at least 2).</summary>
    public int Shards { get; init; } = 2;

    // --- text_config ---
    public int VocabSize { get; init; } = 153216;
    public int HiddenSize { get; init; } = 64;
    public int NumHiddenLayers { get; init; } = 2;
    public int NumAttentionHeads { get; init; } = 4;
    public int NumKeyValueHeads { get; init; } = 2;

    /// <summary>Like Intern-S1 (64 heads x 128 = 8192 != 4096), heads x head_dim differs from hidden.</summary>
    public int HeadDim { get; init; } = 32;

    public int IntermediateSize { get; init; } = 128;
    public int NumExperts { get; init; } = 8;
    public int NumExpertsPerTok { get; init; } = 2;
    public int MoeIntermediateSize { get; init; } = 32;
    public int MaxPositionEmbeddings { get; init; } = 40960;
    public double RopeTheta { get; init; } = 1_000_000;

    // --- vision_config (448 tiles, patch 14: 1024 patches + CLS) ---
    public int VisionHiddenSize { get; init; } = 64;
    public int VisionNumHiddenLayers { get; init; } = 2;
    public int VisionNumAttentionHeads { get; init; } = 4;
    public int VisionIntermediateSize { get; init; } = 128;

    // --- special ids (Intern-S1's) ---
    public int ImageTokenId { get; init; } = 152957;
    public int BosTokenId { get; init; } = 151643;
    public int EosTokenId { get; init; } = 151645;
}
