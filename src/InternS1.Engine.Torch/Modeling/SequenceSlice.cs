using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>
/// One sequence's rows in a packed step: rows [PackedStart, PackedStart + Length) of the batch are
/// its positions [StartPosition, StartPosition + Length).
/// </summary>
/// <param name="PackedStart">First row of this sequence in the packed batch.</param>
/// <param name="Length">Tokens computed this step.</param>
/// <param name="StartPosition">Tokens already in the cache before this step.</param>
/// <param name="ContextSlots">KV slots of positions [0, StartPosition + Length) (int64), or null
/// when StartPosition is 0 (the sequence attends only to its own new keys).</param>
/// <param name="Mask">[Length, StartPosition + Length] bool (true = attend) for a chunk after
/// cached tokens; null when StartPosition is 0 (plain causal) or Length is 1 (attend to all).</param>
public sealed record SequenceSlice(int PackedStart, int Length, int StartPosition, Tensor? ContextSlots, Tensor? Mask);
