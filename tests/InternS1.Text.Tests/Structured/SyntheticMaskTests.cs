using System.Text;
using InternS1.Text.Structured;

namespace InternS1.Text.Tests.Structured;

/// <summary>Exact masks over a 20-token vocabulary, worked out by hand from the documented rules (schema order,
/// one space after ':' and ',', maxLength in characters, integer ranges).</summary>
public class SyntheticMaskTests
{
    private static readonly string?[] Tokens =
    [
        "{", "}", "\"", "a", "ab", "\"a", "\":", ":", " ", ",", "1", "12", "true", "-", "\"}", ": \"", "x", "\", ", null, "b",
    ];

    private const int End = 18;

    private const string Schema = """{"type":"object","properties":{"a":{"type":"string","maxLength":2},"b":{"type":"integer","minimum":-1,"maximum":12}},"required":["a"]}""";

    private static readonly TokenVocabulary Vocab = TokenVocabulary.Create(Tokens.Select(t => t is null ? null : Encoding.UTF8.GetBytes(t)).ToArray(), [End]);

    public static TheoryData<string, int[]> States() => new()
    {
        { "", [0] },
        { "{", [2, 5] },
        { "{\"a", [2, 6] },
        { "{\"a\": \"", [0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 19] },
        { "{\"a\": \"ab", [2, 14, 17] },
        { "{\"a\": \"ab\"}", [End] },
        { "{\"a\": \"\", \"b\": ", [10, 11, 13] },
        { "{\"a\": \"\", \"b\": 1", [1, 10] },
        { "{\"a\": \"\", \"b\": -", [10] },
        { "{\"a\": \"\", ", [2] },
        { "{\"a\": \"\", \"", [19] },
    };

    [Theory]
    [MemberData(nameof(States))]
    public void The_mask_is_exactly_the_hand_computed_set(string prefix, int[] expected)
    {
        var compiler = new StructuredOutputCompiler(Vocab, new StructuredOutputOptions { PrecomputeMasks = false });
        var m = compiler.CompileJsonSchema(StructuredFixtures.Json(Schema)).CreateMatcher();
        // Greedy longest-match tokenization of the prefix.
        for (var i = 0; i < prefix.Length;)
        {
            var id = Enumerable.Range(0, Tokens.Length).Where(t => Tokens[t] is { } s && prefix.AsSpan(i).StartsWith(s))
                .OrderByDescending(t => Tokens[t]!.Length).First();
            Assert.True(m.Accept(id), $"could not feed '{Tokens[id]}' at {i}");
            i += Tokens[id]!.Length;
        }
        var mask = new ulong[Vocab.MaskWords];
        m.FillMask(mask);
        Assert.Equal(expected, StructuredFixtures.Allowed(mask, Vocab.Size));
    }

    [Fact]
    public void Precomputed_and_lazily_computed_masks_are_the_same()
    {
        var lazy = new StructuredOutputCompiler(Vocab, new StructuredOutputOptions { PrecomputeMasks = false }).CompileJsonSchema(StructuredFixtures.Json(Schema));
        var eager = new StructuredOutputCompiler(Vocab).CompileJsonSchema(StructuredFixtures.Json(Schema));
        Assert.True(eager.PrecomputeMasks() > 10);
        foreach (var seed in Enumerable.Range(0, 30))
        {
            var a = lazy.CreateMatcher();
            var b = eager.CreateMatcher();
            var rng = new Random(seed);
            var ma = new ulong[Vocab.MaskWords];
            var mb = new ulong[Vocab.MaskWords];
            while (!a.IsTerminated)
            {
                a.FillMask(ma);
                b.FillMask(mb);
                Assert.Equal(ma, mb);
                var allowed = StructuredFixtures.Allowed(ma, Vocab.Size);
                var id = allowed[rng.Next(allowed.Count)];
                Assert.True(a.Accept(id) && b.Accept(id));
            }
        }
    }
}
