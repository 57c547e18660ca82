using InternS1.Text.Tokenization;

namespace InternS1.Text.Jinja;

/// <summary>Accumulates rendered output and the content spans of the string values written into it, so that content
/// stays marked as content through concatenation, blocks, macros and filters.</summary>
internal sealed class TextBuilder
{
    private readonly SegmentedTextBuilder _builder = new();

    public int Length => _builder.Length;

    /// <summary>Template text (literals, numbers, JSON punctuation).</summary>
    public TextBuilder Append(string text)
    {
        _builder.AppendTemplate(text);
        return this;
    }

    /// <summary>Text that is content from <paramref name="source"/>, or template text when it is null.</summary>
    public TextBuilder Append(string text, string? source)
    {
        if (source is null) _builder.AppendTemplate(text);
        else _builder.AppendContent(text, source);
        return this;
    }

    public TextBuilder Append(StringValue value) => Append(value, 0, value.Value.Length);

    /// <summary>Characters [start, start + length) of <paramref name="value"/>, with their content spans.</summary>
    public TextBuilder Append(StringValue value, int start, int length)
    {
        if (value.Spans is null) _builder.AppendTemplate(value.Value, start, length);
        else _builder.Append(value.Segmented, start, length);
        return this;
    }

    public StringValue ToValue()
    {
        var built = _builder.Build();
        return new StringValue(built.Text, built.Spans);
    }

    public override string ToString() => ToValue().Value;
}
