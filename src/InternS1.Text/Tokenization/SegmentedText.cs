namespace InternS1.Text.Tokenization;

/// <summary>
/// A rendered prompt that knows which of its characters came from the caller's data (<see cref="ContentSpans"/>) and
/// which from the chat template (everything else). <see cref="InternS1Tokenizer.Encode(SegmentedText, SpecialTokenPolicy)"/>
/// matches added and special tokens only in template text. Immutable.
/// </summary>
public sealed class SegmentedText
{
    private readonly ContentSpan[] _spans;

    /// <param name="text">The whole prompt.</param>
    /// <param name="contentSpans">Sorted, non-overlapping runs of content (empty ones are dropped).</param>
    /// <exception cref="ArgumentException">A span is out of range, unsorted or overlaps another.</exception>
    public SegmentedText(string text, IEnumerable<ContentSpan>? contentSpans = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        _spans = (contentSpans ?? []).Where(s => s.Length != 0).ToArray();
        var end = 0;
        foreach (var s in _spans)
        {
            if (s.Start < end || s.Length < 0 || s.End > text.Length || string.IsNullOrEmpty(s.Source))
                throw new ArgumentException($"content span [{s.Start}, {s.End}) of '{s.Source}' is out of order or out of range (text length {text.Length})", nameof(contentSpans));
            end = s.End;
        }
    }

    /// <summary>Trusted construction from spans that are already sorted, non-empty and in range.</summary>
    internal SegmentedText(string text, ContentSpan[] spans, bool trusted)
    {
        _ = trusted;
        Text = text;
        _spans = spans;
    }

    /// <summary>The prompt text.</summary>
    public string Text { get; }

    /// <summary>The runs of content, in text order.</summary>
    public IReadOnlyList<ContentSpan> ContentSpans => _spans;

    internal ContentSpan[] Spans => _spans;

    /// <summary>Text that is all template (no content).</summary>
    public static SegmentedText FromTemplate(string text) => new(text);

    /// <summary>Text that is all content from <paramref name="source"/>.</summary>
    public static SegmentedText FromContent(string text, string source) => new(text, [new ContentSpan(0, text.Length, source)]);

    /// <summary>Whether the characters [start, start + length) are all template text.</summary>
    public bool IsTemplate(int start, int length)
    {
        var i = FirstSpanEndingAfter(start);
        return i == _spans.Length || _spans[i].Start >= start + length;
    }

    /// <summary>Index of the first occurrence of <paramref name="value"/> at or after <paramref name="startIndex"/> that lies
    /// wholly in template text, or -1: where the template put a media placeholder, skipping the same words typed in content.</summary>
    public int IndexOfTemplate(string value, int startIndex = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        for (var at = Text.IndexOf(value, startIndex, StringComparison.Ordinal); at >= 0; at = Text.IndexOf(value, at + 1, StringComparison.Ordinal))
            if (IsTemplate(at, value.Length)) return at;
        return -1;
    }

    /// <summary>This text with template ranges replaced by template text (media placeholders by their expansion);
    /// content spans move with the text around them.</summary>
    /// <exception cref="ArgumentException">A range overlaps content or another range, or is out of order.</exception>
    public SegmentedText ReplaceTemplateRanges(IReadOnlyList<(int Start, int Length, string Replacement)> replacements)
    {
        var builder = new SegmentedTextBuilder();
        var cursor = 0;
        foreach (var (start, length, replacement) in replacements)
        {
            if (start < cursor || length < 0 || start + length > Text.Length || !IsTemplate(start, length))
                throw new ArgumentException($"range [{start}, {start + length}) is out of order, out of range or not template text", nameof(replacements));
            builder.Append(this, cursor, start - cursor);
            builder.AppendTemplate(replacement);
            cursor = start + length;
        }
        builder.Append(this, cursor, Text.Length - cursor);
        return builder.Build();
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    internal int FirstSpanEndingAfter(int position)
    {
        int lo = 0, hi = _spans.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_spans[mid].End <= position) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
