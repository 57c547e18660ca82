using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>
/// Everything attention needs for one packed step (built by the runner, read by the modules):
/// token positions, the KV slot each new token is written to, the per-sequence slices and the pool.
/// </summary>
public sealed record AttentionBatch
{
    /// <summary>[T] int64 positions of the packed tokens.</summary>
    public required Tensor Positions { get; init; }

    /// <summary>[T] int64 KV slot of each packed token.</summary>
    public required Tensor SlotMapping { get; init; }

    /// <summary>Sequences attended one by one (prefill chunks), in packed order.</summary>
    public required IReadOnlyList<SequenceSlice> Sequences { get; init; }

    /// <summary>Single-token sequences with cached context, attended together; null when fewer than two.</summary>
    public DecodeGroup? Decode { get; init; }

    public required PagedKvCache Cache { get; init; }
}
