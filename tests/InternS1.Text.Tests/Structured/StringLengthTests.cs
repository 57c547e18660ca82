using System.Globalization;
using System.Text;
using InternS1.Text.Structured.Automata;

namespace InternS1.Text.Tests.Structured;

/// <summary>The validator counts string length in text elements (grapheme clusters). The characters that count for
/// minLength must each start a new cluster, whatever surrounds them: random strings mixing them with combining marks,
/// ZWJ emoji sequences, regional indicators, Hangul jamo, CR LF and prepended marks never have fewer clusters than
/// counted characters (checked with .NET's own segmentation).</summary>
public class StringLengthTests
{
    private static readonly string[] Pieces =
    [
        "a", "Z", "1", " ", "\t", "\n", "\r", "\r\n", "é", "ß", "Ω", "ж", "あ", "カ", "中", "書", "\u0301", "\u0308", "\u200d", "👨", "👩‍👧", "🇯", "🇵",
        "\u1100", "\u1161", "\u11a8", "가", "\u0600", "\u0915\u094d", "\ufe0f", "©", "®", "\u20e3", "#", "\u0483", "\u3099",
    ];

    [Fact]
    public void Counted_characters_never_outnumber_the_text_elements()
    {
        var rng = new Random(5);
        for (var i = 0; i < 5000; i++)
        {
            var sb = new StringBuilder();
            var n = rng.Next(1, 12);
            for (var k = 0; k < n; k++) sb.Append(Pieces[rng.Next(Pieces.Length)]);
            var s = sb.ToString();
            var counted = s.EnumerateRunes().Count(r => JsonStringAutomaton.CountedForMinLength.Contains(r.Value));
            var elements = new StringInfo(s).LengthInTextElements;
            Assert.True(elements >= counted, $"'{s}' has {elements} text elements but {counted} counted characters");
        }
    }

    [Fact]
    public void Code_points_never_undercount_the_text_elements()
    {
        var rng = new Random(6);
        for (var i = 0; i < 2000; i++)
        {
            var s = string.Concat(Enumerable.Range(0, rng.Next(1, 10)).Select(_ => Pieces[rng.Next(Pieces.Length)]));
            Assert.True(s.EnumerateRunes().Count() >= new StringInfo(s).LengthInTextElements);
        }
    }
}
