namespace InternS1.Text.Structured.Masks;

/// <summary>A fixed set of token ids: a sorted id list when small, a bitset when large.</summary>
internal sealed class TokenSet
{
    public static readonly TokenSet Empty = new([], null);

    private readonly int[] _ids;
    private readonly ulong[]? _bits;

    private TokenSet(int[] ids, ulong[]? bits)
    {
        _ids = ids;
        _bits = bits;
    }

    public int Count { get; private init; }

    /// <summary>Builds a set; dense when it has more ids than the mask has words.</summary>
    public static TokenSet From(IReadOnlyCollection<int> ids, int vocabularySize)
    {
        if (ids.Count == 0) return Empty;
        var words = (vocabularySize + 63) / 64;
        if (ids.Count <= words)
        {
            var sorted = ids.Distinct().Order().ToArray();
            return new TokenSet(sorted, null) { Count = sorted.Length };
        }
        var bits = new ulong[words];
        foreach (var id in ids) bits[id >> 6] |= 1UL << (id & 63);
        var count = 0;
        foreach (var w in bits) count += System.Numerics.BitOperations.PopCount(w);
        return new TokenSet([], bits) { Count = count };
    }

    /// <summary>Sets the bits of this set's ids in <paramref name="mask"/>.</summary>
    public void OrInto(Span<ulong> mask)
    {
        if (_bits is not null)
        {
            var n = Math.Min(mask.Length, _bits.Length);
            var m = System.Runtime.InteropServices.MemoryMarshal.Cast<ulong, System.Numerics.Vector<ulong>>(mask[..n]);
            var b = System.Runtime.InteropServices.MemoryMarshal.Cast<ulong, System.Numerics.Vector<ulong>>(_bits.AsSpan(0, n));
            for (var i = 0; i < m.Length; i++) m[i] |= b[i];
            for (var i = m.Length * System.Numerics.Vector<ulong>.Count; i < n; i++) mask[i] |= _bits[i];
            return;
        }
        foreach (var id in _ids) mask[id >> 6] |= 1UL << (id & 63);
    }

    public bool Contains(int id) => _bits is not null ? (_bits[id >> 6] & (1UL << (id & 63))) != 0 : Array.BinarySearch(_ids, id) >= 0;
}

/// <summary>A token that leaves the frame it was checked in: after <see cref="RestOffset"/> bytes the frame's rule is
/// complete and the rest must be read by the frame below. For string closers, the counters the token adds up to the
/// closing quote (<see cref="CountMax"/>, <see cref="CountMin"/>) and its slack need (-1: none) are kept.</summary>
internal readonly record struct Exit(int Token, short RestOffset, short CountMax, short CountMin, short Slack);
