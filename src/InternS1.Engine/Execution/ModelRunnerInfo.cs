using InternS1.Engine.Requests;

namespace InternS1.Engine.Execution;

/// <summary>Facts about the loaded model: what the scheduler needs to size the KV cache and what
/// callers need to prepare requests.</summary>
public sealed record ModelRunnerInfo
{
    public required string ModelName { get; init; }

    /// <summary>Largest prompt + output length in tokens (max_position_embeddings).</summary>
    public required int MaxModelLength { get; init; }

    /// <summary>Rows of the embedding / logits (vocab_size, padded).</summary>
    public required int VocabSize { get; init; }

    /// <summary>Eos ids from generation_config.json.</summary>
    public required IReadOnlyList<int> EosTokenIds { get; init; }

    /// <summary>The model's recommended sampling defaults (Intern-S1: 0.7/1.0/50/0.0; mini: temperature 0.8).</summary>
    public required SamplingParams RecommendedSampling { get; init; }

    public required int NumLayers { get; init; }

    public required int NumKvHeads { get; init; }

    public required int HeadDim { get; init; }

    /// <summary>Bytes per KV element (4 for float32, 2 for bfloat16).</summary>
    public required int KvElementBytes { get; init; }

    /// <summary>Image-context tokens per 448 tile (image_seq_length, 256); 0 without a vision tower.</summary>
    public int TokensPerTile { get; init; }

    /// <summary>The <c>&lt;IMG_CONTEXT&gt;</c> id (image_token_id); -1 without a vision tower.</summary>
    public int ImageTokenId { get; init; } = -1;

    /// <summary>KV bytes per cached token: 2 (K and V) x layers x kv heads x head dim x element bytes.</summary>
    public long KvBytesPerToken => 2L * NumLayers * NumKvHeads * HeadDim * KvElementBytes;
}
