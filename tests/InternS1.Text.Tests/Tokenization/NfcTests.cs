using System.Text.Json;
using InternS1.Text.Normalization;

namespace InternS1.Text.Tests.Tokenization;

public class NfcTests
{
    [Fact]
    public void Nfc_matches_node_icu_on_every_decomposable_character_and_mark_orderings()
    {
        // Fixture from tests/tools/jinja-golden/nfc-cases.mjs (node's ICU normalize, independent of our tables).
        var failures = new List<string>();
        var count = 0;
        foreach (var line in File.ReadLines(Path.Combine(TestPaths.Fixtures, "nfc-cases.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            var input = doc.RootElement.GetProperty("input").GetString()!;
            var expected = doc.RootElement.GetProperty("nfc").GetString()!;
            count++;
            var got = Nfc.Normalize(input);
            if (got != expected) failures.Add($"{Hex(input)} -> {Hex(got)}, expected {Hex(expected)}");
        }
        Assert.True(count > 2000, $"fixture has only {count} cases");
        Assert.True(failures.Count == 0, $"{failures.Count} failures, first: {string.Join("; ", failures.Take(5))}");
    }

    [Theory]
    [InlineData("e\u0301", "\u00e9")]
    [InlineData("A\u030Angstro\u0308m", "\u00C5ngstr\u00F6m")]
    [InlineData("\u1100\u1161\u11A8", "\uAC01")]
    [InlineData("a\u0323\u0302", "\u1EAD")]            // dot below (220) sorts before circumflex (230)
    [InlineData("a\u0302\u0323", "\u1EAD")]
    [InlineData("\u212B", "\u00C5")]                  // singleton decomposition (ANGSTROM SIGN)
    [InlineData("plain ascii", "plain ascii")]
    public void Nfc_of_hand_checked_examples(string input, string expected) => Assert.Equal(expected, Nfc.Normalize(input));

    [Fact]
    public void A_long_run_of_marks_of_two_classes_is_sorted_and_composed_like_a_short_one()
    {
        // e + (acute 230, grave-below 220) x 5000. Canonical order puts all 220s first; e + the first acute composes to
        // é (not blocked: the marks between have class 220 < 230); the remaining acutes are blocked by the first.
        var input = "e" + string.Concat(Enumerable.Repeat("\u0301\u0316", 5000));
        var expected = "\u00e9" + new string('\u0316', 5000) + new string('\u0301', 4999);
        Assert.Equal(expected, Nfc.Normalize(input));
        Assert.Equal("\u00e9\u0316\u0316\u0301", Nfc.Normalize("e\u0301\u0316\u0301\u0316"));
    }

    private static string Hex(string s) => string.Join(" ", s.EnumerateRunes().Select(r => r.Value.ToString("X4")));
}
