using InternS1.Text.Tokenization;

namespace InternS1.Text.Tests.Tokenization;

public class SegmentedTextTests
{
    private static SegmentedText Sample() =>
        new SegmentedTextBuilder().AppendTemplate("<a>").AppendContent("x<a>", "m[0]").AppendContent("y", "m[0]").AppendTemplate("<a>").AppendContent("z", "m[1]").Build();

    [Fact]
    public void The_builder_merges_adjacent_content_of_one_source_and_keeps_sources_apart()
    {
        var s = Sample();
        Assert.Equal("<a>x<a>y<a>z", s.Text);
        Assert.Equal([new ContentSpan(3, 5, "m[0]"), new ContentSpan(11, 1, "m[1]")], s.ContentSpans);
    }

    [Fact]
    public void Template_occurrences_skip_the_ones_inside_content()
    {
        var s = Sample();
        Assert.True(s.IsTemplate(0, 3));
        Assert.False(s.IsTemplate(2, 2));
        Assert.Equal(0, s.IndexOfTemplate("<a>"));
        Assert.Equal(8, s.IndexOfTemplate("<a>", 1));
        Assert.Equal(-1, s.IndexOfTemplate("<a>", 9));
    }

    [Fact]
    public void Replacing_template_ranges_moves_the_content_spans()
    {
        var s = Sample().ReplaceTemplateRanges([(0, 3, "[long]"), (8, 3, "")]);
        Assert.Equal("[long]x<a>yz", s.Text);
        Assert.Equal([new ContentSpan(6, 5, "m[0]"), new ContentSpan(11, 1, "m[1]")], s.ContentSpans);
        Assert.Throws<ArgumentException>(() => Sample().ReplaceTemplateRanges([(4, 3, "!")])); // "<a>" typed in content
    }

    [Fact]
    public void Spans_out_of_order_or_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new SegmentedText("abc", [new ContentSpan(1, 1, "a"), new ContentSpan(0, 2, "b")]));
        Assert.Throws<ArgumentException>(() => new SegmentedText("abc", [new ContentSpan(2, 2, "a")]));
        Assert.Throws<ArgumentException>(() => new SegmentedText("abc", [new ContentSpan(0, 1, "")]));
        Assert.Empty(new SegmentedText("abc", [new ContentSpan(1, 0, "a")]).ContentSpans);
    }
}
