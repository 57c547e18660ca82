using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>
/// The single-token sequences of a step (decode), attended in one padded call: B rows of the packed
/// batch, each with its KV slots padded to the longest context.
/// </summary>
/// <param name="Rows">[B] int64 packed rows of the decode tokens.</param>
/// <param name="Slots">[B x Lmax] int64 KV slots, row-major per sequence, padded with slot 0.</param>
/// <param name="Mask">[B, 1, 1, Lmax] bool: true for a sequence's real positions.</param>
/// <param name="MaxLength">Lmax, the longest context (cached tokens + the new one).</param>
public sealed record DecodeGroup(Tensor Rows, Tensor Slots, Tensor Mask, int MaxLength)
{
    /// <summary>Number of decode sequences (B).</summary>
    public long Count => Rows.shape[0];
}
