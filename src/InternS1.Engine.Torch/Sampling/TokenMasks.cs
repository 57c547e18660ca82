using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Sampling;

/// <summary>
/// Constrained decoding's one step in the runner: before sampling, the logits of every token a row's mask does not
/// allow become -inf (bit <c>id % 64</c> of word <c>id / 64</c> set = allowed; ids past the mask are not allowed).
/// Rows without a mask are not touched, and nothing runs when no row has one. On the CPU the float32 logits are
/// written in place, 64 ids per mask word (a zero word fills 64 floats, a full word is skipped), rows in parallel;
/// on other devices a boolean tensor of the masked rows goes to the device and <c>masked_fill_</c> applies it.
/// </summary>
public static class TokenMasks
{
    /// <summary>From this many masked rows the CPU path runs rows in parallel.</summary>
    private const int ParallelFrom = 4;

    /// <summary>Byte <c>k</c> of entry <c>b</c> is 1 when bit <c>k</c> of <c>b</c> is clear (that id is disallowed).</summary>
    private static readonly ulong[] Disallowed = BuildDisallowedTable();

    /// <summary>Applies <paramref name="masks"/>[r] to row r of <paramref name="logits"/> ([R, V] float32), in place.</summary>
    /// <returns>How many rows had a mask.</returns>
    public static int Apply(Tensor logits, IReadOnlyList<ulong[]?> masks)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(masks);
        if (logits.dim() != 2 || logits.shape[0] != masks.Count)
            throw new ArgumentException($"logits of shape [{string.Join(", ", logits.shape)}] for {masks.Count} masks; expected [{masks.Count}, V]");
        if (logits.dtype != ScalarType.Float32)
            throw new ArgumentException($"logits must be float32, not {logits.dtype}");
        var rows = Enumerable.Range(0, masks.Count).Where(r => masks[r] is not null).ToArray();
        if (rows.Length == 0) return 0;
        if (logits.device_type == DeviceType.CPU && logits.is_contiguous()) ApplyInPlace(logits, masks, rows);
        else ApplyWithBooleanMask(logits, masks, rows);
        return rows.Length;
    }

    /// <summary>The CPU path: the logits' own memory, row by row.</summary>
    internal static void ApplyInPlace(Tensor logits, IReadOnlyList<ulong[]?> masks, int[] rows)
    {
        var vocab = (int)logits.shape[1];
        if (rows.Length >= ParallelFrom) Parallel.ForEach(rows, r => MaskRow(Row(logits, r, vocab), masks[r]!));
        else foreach (var r in rows) MaskRow(Row(logits, r, vocab), masks[r]!);
    }

    /// <summary>Any device: a [masked rows, V] boolean tensor of the disallowed ids, built on the CPU, then
    /// <c>masked_fill_</c> where the logits live.</summary>
    internal static void ApplyWithBooleanMask(Tensor logits, IReadOnlyList<ulong[]?> masks, int[] rows)
    {
        using var scope = NewDisposeScope();
        var vocab = (int)logits.shape[1];
        var flags = new byte[(long)rows.Length * vocab];
        for (var k = 0; k < rows.Length; k++) Expand(masks[rows[k]]!, flags.AsSpan(k * vocab, vocab));
        var disallowed = torch.tensor(flags, [rows.Length, vocab]).to_type(ScalarType.Bool).to(logits.device);
        if (rows.Length == masks.Count)
        {
            logits.masked_fill_(disallowed, HeldScalars.NegativeInfinity);
            return;
        }
        var index = torch.tensor(rows.Select(r => (long)r).ToArray()).to(logits.device);
        var selected = logits.index_select(0, index).masked_fill_(disallowed, HeldScalars.NegativeInfinity);
        logits.index_copy_(0, index, selected);
    }

    // NOTE: TorchSharp exposes a CPU tensor's memory as a read-only span; the logits are this step's own buffer,
    // written by nobody else, so the span is reopened for writing instead of copying 600 kB per row out and back.
    private static Span<float> Row(Tensor logits, int row, int vocab)
    {
        var bytes = logits.bytes;
        var all = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(bytes), bytes.Length);
        return MemoryMarshal.Cast<byte, float>(all).Slice(row * vocab, vocab);
    }

    private static void MaskRow(Span<float> row, ulong[] mask)
    {
        var words = (row.Length + 63) / 64;
        for (var w = 0; w < words; w++)
        {
            var bits = w < mask.Length ? mask[w] : 0UL;
            if (bits == ulong.MaxValue) continue;
            var start = w * 64;
            var length = Math.Min(64, row.Length - start);
            if (bits == 0)
            {
                row.Slice(start, length).Fill(float.NegativeInfinity);
                continue;
            }
            for (var off = ~bits; off != 0; off &= off - 1)
            {
                var b = BitOperations.TrailingZeroCount(off);
                if (b >= length) break;
                row[start + b] = float.NegativeInfinity;
            }
        }
    }

    /// <summary>One byte per id: 1 = disallowed.</summary>
    private static void Expand(ulong[] mask, Span<byte> flags)
    {
        var full = flags.Length / 8;
        for (var i = 0; i < full; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(flags.Slice(i * 8, 8), Disallowed[MaskByte(mask, i)]);
        for (var id = full * 8; id < flags.Length; id++)
            flags[id] = (byte)((MaskByte(mask, id >> 3) >> (id & 7) & 1) ^ 1);
    }

    private static int MaskByte(ulong[] mask, int byteIndex) =>
        (byteIndex >> 3) < mask.Length ? (int)(mask[byteIndex >> 3] >> ((byteIndex & 7) * 8)) & 0xFF : 0;

    private static ulong[] BuildDisallowedTable()
    {
        var table = new ulong[256];
        for (var b = 0; b < 256; b++)
            for (var k = 0; k < 8; k++)
                if ((b >> k & 1) == 0) table[b] |= 1UL << (k * 8);
        return table;
    }
}
