namespace InternS1.Text.Tokenization;

/// <summary>One piece of input text after splitting on added tokens: plain text, an added token, or a
/// logical marker (scientific protect/auto-detect markers that have no id).</summary>
internal readonly record struct TextSegment(string Text, AddedToken? Token = null, bool IsMarker = false)
{
    public bool IsPlain => Token is null && !IsMarker;
}

/// <summary>Splits text on added tokens, leftmost-longest (as the Hugging Face trie / added vocabulary do),
/// so added tokens are matched whole and never split by BPE.</summary>
internal sealed class AddedTokenSplitter
{
    private readonly Dictionary<char, (string Text, AddedToken? Token)[]> _byFirstChar;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens, IEnumerable<string> markers)
    {
        var all = new Dictionary<string, AddedToken?>(StringComparer.Ordinal);
        foreach (var m in markers) all[m] = null;
        foreach (var t in tokens) if (t.Content.Length > 0) all[t.Content] = t;
        _byFirstChar = all
            .GroupBy(kv => kv.Key[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(kv => kv.Key.Length).Select(kv => (kv.Key, kv.Value)).ToArray());
    }

    /// <summary>Decides whether a match at a position counts: <c>(start, text, token or null for a marker)</c>.</summary>
    public delegate bool MatchFilter(int start, string content, AddedToken? token);

    /// <param name="text">NFC-normalised text.</param>
    /// <param name="accept">When given, a match it refuses is not a token (the next shorter candidate at the same
    /// position is tried, then the text is plain); used to match tokens in template text only.</param>
    public List<TextSegment> Split(string text, MatchFilter? accept = null)
    {
        var segments = new List<TextSegment>();
        var plainStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (_byFirstChar.TryGetValue(text[i], out var candidates))
            {
                var matched = false;
                foreach (var (content, token) in candidates)
                {
                    if (i + content.Length > text.Length || string.CompareOrdinal(text, i, content, 0, content.Length) != 0) continue;
                    if (accept is not null && !accept(i, content, token)) continue;
                    if (i > plainStart) segments.Add(new TextSegment(text[plainStart..i]));
                    segments.Add(new TextSegment(content, token, IsMarker: token is null));
                    i += content.Length;
                    plainStart = i;
                    matched = true;
                    break;
                }
                if (matched) continue;
            }
            i++;
        }
        if (plainStart < text.Length) segments.Add(new TextSegment(text[plainStart..]));
        ApplyStrip(segments);
        return segments;
    }

    private static void ApplyStrip(List<TextSegment> segments)
    {
        for (var i = 0; i < segments.Count; i++)
        {
            if (segments[i].Token is not { } t) continue;
            if (t.RStrip && i + 1 < segments.Count && segments[i + 1].IsPlain)
                segments[i + 1] = segments[i + 1] with { Text = segments[i + 1].Text.TrimStart() };
            if (t.LStrip && i > 0 && segments[i - 1].IsPlain)
                segments[i - 1] = segments[i - 1] with { Text = segments[i - 1].Text.TrimEnd() };
        }
        segments.RemoveAll(s => s.IsPlain && s.Text.Length == 0);
    }
}
