using System.Text;
using InternS1.Text.Scientific;

namespace InternS1.Text.Tests.Scientific;

/// <summary>The linear SMILES candidate scanner against the reference regex it replaces (the .NET regex engine on the
/// pattern of transformers' SmilesCheckModule), on random strings from the characters the pattern cares about.</summary>
public class SmilesCandidateScannerTests
{
    private static readonly string[] Pieces =
    [
        "C", "c", "N", "n", "O", "o", "S", "Cl", "Br", "H", "Na", "Zn", "X", "x", "q", " ", "\n",
        "[", "]", "[NH4+]", "[C@@H]", "(", ")", "=", ":", ".", "#", "-", "+", "/", "\\", "%", "@", "$", "*", "1", "2", "12", "٣",
    ];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Candidates_are_the_matches_of_the_reference_regex(int seed)
    {
        var rnd = new Random(seed);
        for (var round = 0; round < 50; round++)
        {
            var sb = new StringBuilder();
            var n = rnd.Next(0, 120);
            // Mostly SMILES-like pieces, so that runs of 10+ units (and their failures) are common.
            for (var i = 0; i < n; i++) sb.Append(rnd.Next(10) < 8 ? Pieces[rnd.Next(5, 24) % Pieces.Length] : Pieces[rnd.Next(Pieces.Length)]);
            AssertSameMatches(sb.ToString());
        }
    }

    [Theory]
    [InlineData("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]")]
    [InlineData("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[")]
    [InlineData("C[C[C[C[C[C[C[C[C[C[C[C[C[C]")]
    [InlineData("CCCCCCCCC:CCCCCCCCCC:=.")]
    [InlineData("=CCCCCCCCCCCC=")]
    [InlineData(":::::::::::C::::::::::::")]
    [InlineData("[]CCCCCCCCCCCCCC[]")]
    [InlineData("c1ccccc1C(=O)O and CC(C)Cc1ccc(cc1)[C@@H](C)C(=O)O")]
    public void Hand_picked_edge_cases_give_the_matches_of_the_reference_regex(string text) => AssertSameMatches(text);

    [Fact]
    public void A_long_run_of_open_brackets_is_scanned_without_a_match()
    {
        // The regex engine rescans to the end from every '[' (quadratic); the scanner answers the same: no candidate.
        Assert.Empty(SmilesCandidateScanner.Matches(new string('[', 200_000) + "]", ElementsInOrder()));
    }

    private static void AssertSameMatches(string text)
    {
        var expected = SmilesDetector.ReferencePattern.Matches(text).Select(m => (m.Groups[1].Index, m.Groups[1].Length)).ToList();
        var got = SmilesCandidateScanner.Matches(text, ElementsInOrder()).ToList();
        Assert.True(expected.SequenceEqual(got), $"«{text}»: expected [{string.Join(", ", expected)}], got [{string.Join(", ", got)}]");
    }

    private static string[] ElementsInOrder() => SmilesDetector.ElementsInOrder;
}
