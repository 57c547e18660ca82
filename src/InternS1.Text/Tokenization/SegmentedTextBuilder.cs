using System.Text;

namespace InternS1.Text.Tokenization;

/// <summary>Builds a <see cref="SegmentedText"/> piece by piece; adjacent content from the same source merges.</summary>
public sealed class SegmentedTextBuilder
{
    private readonly StringBuilder _text = new();
    private readonly List<ContentSpan> _spans = [];

    /// <summary>Characters appended so far.</summary>
    public int Length => _text.Length;

    /// <summary>Appends template text.</summary>
    public SegmentedTextBuilder AppendTemplate(string text)
    {
        _text.Append(text);
        return this;
    }

    internal SegmentedTextBuilder AppendTemplate(string text, int start, int length)
    {
        _text.Append(text, start, length);
        return this;
    }

    /// <summary>Appends content that came from <paramref name="source"/>.</summary>
    public SegmentedTextBuilder AppendContent(string text, string source)
    {
        AddSpan(_text.Length, text.Length, source);
        _text.Append(text);
        return this;
    }

    /// <summary>Appends [start, start + length) of <paramref name="other"/> with its segmentation.</summary>
    public SegmentedTextBuilder Append(SegmentedText other, int start, int length)
    {
        var end = start + length;
        var offset = _text.Length - start;
        for (var i = other.FirstSpanEndingAfter(start); i < other.Spans.Length && other.Spans[i].Start < end; i++)
        {
            var s = other.Spans[i];
            var from = Math.Max(s.Start, start);
            AddSpan(from + offset, Math.Min(s.End, end) - from, s.Source);
        }
        _text.Append(other.Text, start, length);
        return this;
    }

    /// <summary>Appends all of <paramref name="other"/>.</summary>
    public SegmentedTextBuilder Append(SegmentedText other) => Append(other, 0, other.Text.Length);

    /// <summary>The text appended so far, with its content spans.</summary>
    public SegmentedText Build() => new(_text.ToString(), _spans.ToArray(), trusted: true);

    private void AddSpan(int start, int length, string source)
    {
        if (length == 0) return;
        if (_spans.Count > 0 && _spans[^1] is var last && last.End == start && last.Source == source)
            _spans[^1] = last with { Length = last.Length + length };
        else _spans.Add(new ContentSpan(start, length, source));
    }
}
