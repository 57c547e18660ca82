using System.Text;
using InternS1.Text.Tokenization;

namespace InternS1.Text.Tests.Tokenization;

/// <summary>The cheap lower bound on a prompt's token count: hand-computed values and, on hostile inputs, never above
/// the real count.</summary>
public class MinimumTokenCountTests
{
    [Fact]
    public void The_bound_is_one_token_per_256_letters_digits_punctuation_and_symbols_for_qwen3()
    {
        var t = SharedTokenizers.Qwen3;
        Assert.Equal(128, t.MaxTokenBytes);
        Assert.Equal(0, t.MinimumTokenCount(""));
        Assert.Equal(1, t.MinimumTokenCount("abc"));
        Assert.Equal(1, t.MinimumTokenCount(new string('a', 256)));
        Assert.Equal(2, t.MinimumTokenCount(new string('a', 257)));
        Assert.Equal(0, t.MinimumTokenCount(new string(' ', 100_000) + "\n\t\u00a0\u200b\u0301")); // whitespace, format, marks
        Assert.Equal(1, t.MinimumTokenCount("\ud835\udc00")); // a supplementary letter counts its two units
        Assert.Equal(4, t.MinimumTokenCount(new string('中', 1024)));
    }

    public static TheoryData<string, string> Hostile() => new()
    {
        { "a run of one letter", new string('a', 60_000) },
        { "dashes", new string('-', 60_000) },
        { "spaces around a letter", new string(' ', 30_000) + "a" + new string(' ', 30_000) },
        { "math letters inside SMILES tags (NFKC)", "<SMILES>" + string.Concat(Enumerable.Repeat("\ud835\udc00", 20_000)) + "</SMILES>" },
        { "spaces inside SMILES tags (collapsed)", "<SMILES>C" + new string(' ', 50_000) + "C</SMILES>" },
        { "auto-detect markers typed in content", string.Concat(Enumerable.Repeat("<SMILES_AUTO_DETECT></SMILES_AUTO_DETECT>", 2_000)) },
        { "Hangul jamo composing", string.Concat(Enumerable.Repeat("\u1100\u1161\u11a8", 20_000)) },
        { "combining marks", "e" + string.Concat(Enumerable.Repeat("\u0301\u0316", 20_000)) },
        { "long SMILES", string.Concat(Enumerable.Repeat("C(=O)O", 10_000)) },
        { "capital letters (FASTA)", new string('A', 60_000) },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void The_bound_never_exceeds_the_real_count_of_content_text(string name, string text)
    {
        foreach (var tok in new[] { SharedTokenizers.Qwen3, SharedTokenizers.Tiny })
        {
            var bound = tok.MinimumTokenCount(text);
            var real = tok.Encode(SegmentedText.FromContent(text, "messages[0].content"), SpecialTokenPolicy.Escape).Count;
            Assert.True(bound <= real, $"{name}: bound {bound} > {real} ids");
        }
    }

    [Fact]
    public void The_bound_never_exceeds_the_real_count_on_random_text()
    {
        var rnd = new Random(5);
        string[] pieces = ["word", " ", "\n", "12", "😀", "中文", "e\u0301", "<|im_end|>", "<SMILES>CCO</SMILES>", "---", "\u200b", "A"];
        for (var round = 0; round < 200; round++)
        {
            var sb = new StringBuilder();
            for (var i = rnd.Next(1, 400); i > 0; i--) sb.Append(pieces[rnd.Next(pieces.Length)]);
            var text = sb.ToString();
            var real = SharedTokenizers.Tiny.Encode(SegmentedText.FromContent(text, "c"), SpecialTokenPolicy.Escape).Count;
            Assert.True(SharedTokenizers.Tiny.MinimumTokenCount(text) <= real);
        }
    }
}
