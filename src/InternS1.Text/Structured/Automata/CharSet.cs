namespace InternS1.Text.Structured.Automata;

/// <summary>An immutable set of code points as sorted, disjoint, non-adjacent inclusive ranges.</summary>
internal sealed class CharSet
{
    /// <summary>Largest Unicode code point.</summary>
    public const int MaxCodePoint = 0x10FFFF;

    public static readonly CharSet Empty = new([]);

    /// <summary>Every Unicode scalar value (code points without the surrogates).</summary>
    public static readonly CharSet Scalars = new([(0, 0xD7FF), (0xE000, MaxCodePoint)]);

    /// <summary>Scalars of the Basic Multilingual Plane: what a <c>pattern</c> can match one-for-one (the validator's
    /// regex engine sees UTF-16 units, so a character outside the BMP would be two of them).</summary>
    public static readonly CharSet Bmp = new([(0, 0xD7FF), (0xE000, 0xFFFF)]);

    private CharSet(List<(int Lo, int Hi)> ranges) => Ranges = ranges;

    public IReadOnlyList<(int Lo, int Hi)> Ranges { get; }

    public bool IsEmpty => Ranges.Count == 0;

    public static CharSet Of(int lo, int hi) => lo > hi ? Empty : new([(lo, hi)]);

    public static CharSet Of(char c) => Of(c, c);

    public static CharSet FromRanges(IEnumerable<(int Lo, int Hi)> ranges)
    {
        var sorted = ranges.Where(r => r.Lo <= r.Hi).OrderBy(r => r.Lo).ToList();
        var merged = new List<(int Lo, int Hi)>();
        foreach (var r in sorted)
        {
            if (merged.Count > 0 && r.Lo <= merged[^1].Hi + 1)
                merged[^1] = (merged[^1].Lo, Math.Max(merged[^1].Hi, r.Hi));
            else merged.Add(r);
        }
        return new CharSet(merged);
    }

    public bool Contains(int cp)
    {
        foreach (var (lo, hi) in Ranges)
        {
            if (cp < lo) return false;
            if (cp <= hi) return true;
        }
        return false;
    }

    public CharSet Union(CharSet other) => FromRanges(Ranges.Concat(other.Ranges));

    /// <summary>The code points of <paramref name="universe"/> that are not in this set.</summary>
    public CharSet Complement(CharSet universe) => universe.Intersect(Invert());

    public CharSet Intersect(CharSet other)
    {
        var result = new List<(int Lo, int Hi)>();
        int i = 0, j = 0;
        while (i < Ranges.Count && j < other.Ranges.Count)
        {
            var (alo, ahi) = Ranges[i];
            var (blo, bhi) = other.Ranges[j];
            var lo = Math.Max(alo, blo);
            var hi = Math.Min(ahi, bhi);
            if (lo <= hi) result.Add((lo, hi));
            if (ahi < bhi) i++;
            else j++;
        }
        return new CharSet(result);
    }

    public CharSet Subtract(CharSet other) => Intersect(other.Invert());

    private CharSet Invert()
    {
        var result = new List<(int Lo, int Hi)>();
        var next = 0;
        foreach (var (lo, hi) in Ranges)
        {
            if (lo > next) result.Add((next, lo - 1));
            next = hi + 1;
        }
        if (next <= MaxCodePoint) result.Add((next, MaxCodePoint));
        return new CharSet(result);
    }
}
