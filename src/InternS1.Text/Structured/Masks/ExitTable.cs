namespace InternS1.Text.Structured.Masks;

/// <summary>Exits of a mask entry grouped by the first byte of their rest, so that a runtime check only looks at the
/// groups whose first byte the frame below can read; exits with nothing left (a string closed exactly at the token's
/// end) are kept apart.</summary>
internal sealed class ExitTable
{
    public static readonly ExitTable Empty = new([], [], new int[257]);

    private ExitTable(Exit[] complete, Exit[] sorted, int[] offsets)
    {
        Complete = complete;
        Sorted = sorted;
        Offsets = offsets;
    }

    /// <summary>Exits whose token ends exactly where the frame's rule ends.</summary>
    public Exit[] Complete { get; }

    /// <summary>Exits with a rest, sorted by the rest's first byte.</summary>
    public Exit[] Sorted { get; }

    /// <summary><c>Sorted[Offsets[b] .. Offsets[b + 1])</c> are the exits whose rest starts with byte <c>b</c>.</summary>
    public int[] Offsets { get; }

    public int Count => Complete.Length + Sorted.Length;

    public static ExitTable Build(List<Exit> exits, TokenVocabulary vocabulary, TokenSet accepted)
    {
        var kept = exits.Where(e => !accepted.Contains(e.Token)).Distinct().ToList();
        if (kept.Count == 0) return Empty;
        var complete = kept.Where(e => e.RestOffset == vocabulary.TokenBytes(e.Token).Length).ToArray();
        var withRest = kept.Where(e => e.RestOffset < vocabulary.TokenBytes(e.Token).Length)
            .OrderBy(e => vocabulary.TokenBytes(e.Token)[e.RestOffset]).ToArray();
        var offsets = new int[257];
        foreach (var e in withRest) offsets[vocabulary.TokenBytes(e.Token)[e.RestOffset] + 1]++;
        for (var b = 0; b < 256; b++) offsets[b + 1] += offsets[b];
        return new ExitTable(complete, withRest, offsets);
    }
}
