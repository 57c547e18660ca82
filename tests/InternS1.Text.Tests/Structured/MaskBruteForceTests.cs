using System.Text;
using InternS1.Text.Structured;

namespace InternS1.Text.Tests.Structured;

/// <summary>The mask of constructed states equals a brute-force mask: every vocabulary entry's bytes appended to the
/// state's text and checked by <see cref="ReferenceRecognizer"/> (an independent, slow recognizer of the documented
/// language); the end-of-turn ids exactly when the reference says the text is complete.</summary>
public class MaskBruteForceTests
{
    private const string Labels = """{"type":"object","properties":{"label":{"enum":["positive","negative","neutral"]},"score":{"type":"integer","minimum":-5,"maximum":12}},"required":["label"]}""";
    private const string Strings = """{"type":"array","items":{"type":"string","minLength":2,"maxLength":5},"maxItems":3}""";
    private const string Mixed = """{"type":"object","properties":{"id":{"type":"integer"},"tags":{"type":"array","items":{"enum":["a","b"]},"minItems":1},"v":{"anyOf":[{"type":"number"},{"type":"string","maxLength":3},{"type":"null"}]},"any":{}},"required":["id","any"],"additionalProperties":false}""";

    public static TheoryData<string, string, bool> RealVocabularyStates() => new()
    {
        { Labels, "", true },
        { Labels, "{\"label\": \"ne", true },
        { Labels, "{\"label\": \"neutral\", \"score\": 1", true },
        { Strings, "[\"ab\", \"c\xe4\xb8", true },
        { Strings, "[\"abcd", true },
        { Mixed, "{\"id\": 12, \"tags\": [\"a\"], \"v\": 1.5", true },
        { Mixed, "{\"id\": -3, \"any\": {\"k\": [tr", true },
        { Mixed, "{\"id\":0,\"v\":\"x\\", false },
    };

    [Theory]
    [MemberData(nameof(RealVocabularyStates))]
    public void The_mask_over_the_real_vocabulary_equals_the_brute_force_mask(string schema, string prefix, bool spaced)
    {
        var compiler = StructuredFixtures.Compiler(spaced ? JsonWhitespace.Spaced : JsonWhitespace.Compact);
        AssertMaskMatchesReference(compiler, schema, Latin1Bytes(prefix), spaced);
    }

    /// <summary>Test strings use \xNN escapes for raw bytes (a cut UTF-8 character); other characters are UTF-8.</summary>
    internal static byte[] Latin1Bytes(string s)
    {
        var bytes = new List<byte>();
        foreach (var c in s)
        {
            if (c is >= '\u0080' and <= '\u00FF') bytes.Add((byte)c);
            else bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
        }
        return bytes.ToArray();
    }

    internal static void AssertMaskMatchesReference(StructuredOutputCompiler compiler, string schema, byte[] prefix, bool spaced)
    {
        var vocab = compiler.Vocabulary;
        var matcher = compiler.CompileJsonSchema(StructuredFixtures.Json(schema)).CreateMatcher();
        Feed(matcher, vocab, prefix);
        var mask = new ulong[vocab.MaskWords];
        matcher.FillMask(mask);
        var got = StructuredFixtures.Allowed(mask, vocab.Size).ToHashSet();
        var reference = new ReferenceRecognizer(StructuredFixtures.Json(schema), spaced);
        var expected = new HashSet<int>();
        for (var id = 0; id < vocab.Size; id++)
            if (vocab.IsTextToken(id) && reference.IsPrefix([.. prefix, .. vocab.TokenBytes(id)])) expected.Add(id);
        if (reference.IsComplete(prefix)) expected.UnionWith(vocab.EndTokenIds);
        var missing = expected.Except(got).Take(8).Select(id => Show(vocab, id)).ToList();
        var extra = got.Except(expected).Take(8).Select(id => Show(vocab, id)).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"after '{Encoding.UTF8.GetString(prefix)}': expected {expected.Count}, got {got.Count}; missing [{string.Join(", ", missing)}]; extra [{string.Join(", ", extra)}]");
        Assert.NotEmpty(got);
    }

    private static string Show(TokenVocabulary vocab, int id) => $"{id}:'{Encoding.UTF8.GetString(vocab.TokenBytes(id))}'";

    /// <summary>Feeds raw bytes through single-byte tokens (a byte-level vocabulary has one for every byte).</summary>
    internal static void Feed(GrammarMatcher matcher, TokenVocabulary vocab, byte[] bytes)
    {
        var single = new Dictionary<byte, int>();
        for (var id = 0; id < vocab.Size; id++)
            if (vocab.TokenBytes(id).Length == 1) single.TryAdd(vocab.TokenBytes(id)[0], id);
        foreach (var b in bytes) Assert.True(matcher.Accept(single[b]), $"byte {b:x2} of the prefix was rejected");
    }
}
