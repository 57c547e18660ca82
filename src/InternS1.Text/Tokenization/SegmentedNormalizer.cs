using InternS1.Text.Normalization;

namespace InternS1.Text.Tokenization;

/// <summary>
/// NFC of a <see cref="SegmentedText"/> with its content spans carried over, equal in text to
/// <see cref="Nfc.Normalize"/> of the whole prompt (which is what the token ids must stay equal to).
/// NOTE: text can be normalised in pieces cut just before any character below U+0300: such a character has
/// combining class 0 and is never the second half of a composition, so nothing before it can combine with
/// anything from it on. A boundary between template and content just before another character is handled with its
/// neighbourhood up to the nearest such characters on both sides: normalised piece by piece when that gives the same
/// text as normalising it whole (almost always), else normalised whole and counted as content (the conservative side:
/// a token in it then cannot be a control token).
/// </summary>
internal static class SegmentedNormalizer
{
    public static SegmentedText Normalize(SegmentedText input)
    {
        var text = input.Text;
        if (ReferenceEquals(Nfc.Normalize(text), text)) return input; // fast path: nothing at or above U+0300
        var spans = input.Spans;
        // 1. Cut points: text ends, boundaries before a safe character, and the safe neighbourhood of the other boundaries.
        var boundaries = new SortedSet<int>();
        foreach (var s in spans)
        {
            if (s.Start > 0) boundaries.Add(s.Start);
            if (s.End < text.Length) boundaries.Add(s.End);
        }
        var cuts = new SortedSet<int> { 0, text.Length };
        foreach (var b in boundaries)
        {
            if (IsSafe(text[b])) { cuts.Add(b); continue; }
            var left = b - 1;
            while (left > 0 && !IsSafe(text[left])) left--;
            var right = b + 1;
            while (right < text.Length && !IsSafe(text[right])) right++;
            cuts.Add(Math.Max(left, 0));
            cuts.Add(right);
        }
        // 2. Each interval between cuts: its pieces (split at the boundaries inside it) normalised.
        var output = new SegmentedTextBuilder();
        var spanIndex = 0;
        int? previous = null;
        foreach (var cut in cuts)
        {
            if (previous is { } start && cut > start) AppendInterval(output, input, start, cut, boundaries, ref spanIndex);
            previous = cut;
        }
        return output.Build();
    }

    private static void AppendInterval(SegmentedTextBuilder output, SegmentedText input, int start, int end, SortedSet<int> boundaries, ref int spanIndex)
    {
        var pieces = new List<(string Text, string? Source)>();
        var at = start;
        foreach (var b in boundaries.GetViewBetween(start + 1, Math.Max(start + 1, end - 1)))
        {
            pieces.Add((input.Text[at..b], SourceAt(input, at, ref spanIndex)));
            at = b;
        }
        pieces.Add((input.Text[at..end], SourceAt(input, at, ref spanIndex)));
        var normalized = pieces.Select(p => Nfc.Normalize(p.Text)).ToList();
        if (pieces.Count == 1 || string.Concat(normalized) == Nfc.Normalize(input.Text[start..end]))
        {
            for (var i = 0; i < pieces.Count; i++) Append(output, normalized[i], pieces[i].Source);
            return;
        }
        var source = pieces.Select(p => p.Source).First(s => s is not null);
        Append(output, Nfc.Normalize(input.Text[start..end]), source);
    }

    private static void Append(SegmentedTextBuilder output, string text, string? source)
    {
        if (source is null) output.AppendTemplate(text);
        else output.AppendContent(text, source);
    }

    /// <summary>The source of the character at <paramref name="position"/> (null: template); positions only increase.</summary>
    private static string? SourceAt(SegmentedText input, int position, ref int spanIndex)
    {
        var spans = input.Spans;
        while (spanIndex < spans.Length && spans[spanIndex].End <= position) spanIndex++;
        return spanIndex < spans.Length && spans[spanIndex].Start <= position ? spans[spanIndex].Source : null;
    }

    private static bool IsSafe(char c) => c < 0x300;
}
