namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>How <see cref="WeightLoader"/> maps a checkpoint onto a module.</summary>
public sealed record WeightLoadOptions
{
    /// <summary>Checkpoint name prefixes that are skipped with one log line each (e.g. the vision
    /// tower's <c>model.vision_tower.</c> while only the language model is built).</summary>
    public IReadOnlyList<string> IgnoredPrefixes { get; init; } = [];

    /// <summary>Exact checkpoint names that are skipped with a log line (e.g. <c>lm_head.weight</c> of a tied model).</summary>
    public IReadOnlyList<string> IgnoredNames { get; init; } = [];

    /// <summary>FP8 block size [rows, cols] of <c>weight_scale_inv</c> (quantization_config.weight_block_size).</summary>
    public IReadOnlyList<int> Fp8BlockSize { get; init; } = [128, 128];

    /// <summary>Largest temporary buffer per read: a tensor is read, converted and placed in chunks of at most this many bytes.</summary>
    public int MaxChunkBytes { get; init; } = 64 << 20;

    /// <summary>The options config.json implies for a model built without the parts under
    /// <paramref name="unbuiltPrefixes"/>: those prefixes skipped, <c>lm_head.weight</c> skipped when the
    /// embeddings are tied, the FP8 block size from <c>quantization_config.weight_block_size</c> ([128, 128] when absent).</summary>
    public static WeightLoadOptions For(InternS1Config config, IReadOnlyList<string> unbuiltPrefixes) => new()
    {
        IgnoredPrefixes = unbuiltPrefixes,
        IgnoredNames = config.TiedEmbeddings ? ["lm_head.weight"] : [],
        Fp8BlockSize = config.Quantization?.WeightBlockSize is { Count: 2 } block ? block : [128, 128],
    };
}
