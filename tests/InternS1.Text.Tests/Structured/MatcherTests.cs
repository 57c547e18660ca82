using System.Security.Cryptography;
using System.Text;
using InternS1.Text.Structured;

namespace InternS1.Text.Tests.Structured;

public class MatcherTests
{
    private static GrammarMatcher Matcher(string schema) =>
        StructuredFixtures.Compiler().CompileJsonSchema(StructuredFixtures.Json(schema)).CreateMatcher();

    private static int Id(string text) => StructuredFixtures.InternS1 is var v && SharedTokenizers.Tiny.TokenToId(ByteLevelOf(text)) is { } id ? id : throw new InvalidOperationException(text);

    private static string ByteLevelOf(string text) => string.Concat(Encoding.UTF8.GetBytes(text).Select(b => ByteLevelChar(b)));

    private static char ByteLevelChar(byte b)
    {
        // GPT-2's byte-to-character map (printable bytes stand for themselves).
        var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
        if (printable) return (char)b;
        var n = 0;
        for (var x = 0; x < b; x++) if (!((x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE))) n++;
        return (char)(256 + n);
    }

    private static List<int> Mask(GrammarMatcher m)
    {
        var mask = new ulong[StructuredFixtures.InternS1.MaskWords];
        m.FillMask(mask);
        return StructuredFixtures.Allowed(mask, StructuredFixtures.VocabularySize);
    }

    [Fact]
    public void The_Intern_S1_vocabulary_has_153216_ids_and_added_tokens_are_not_text()
    {
        var v = StructuredFixtures.InternS1;
        Assert.Equal(153216, v.Size);
        Assert.Equal(2394, v.MaskWords);
        Assert.Equal([StructuredFixtures.EndOfText, StructuredFixtures.ImEnd], v.EndTokenIds);
        foreach (var special in new[] { 151644, 151645, 151667, 151668, 151925, 152957, 152959, 153000 })
            Assert.False(v.IsTextToken(special), $"{special} must not be text");
        Assert.True(v.IsTextToken(Id("{\"")));
        Assert.True(v.IsTextToken(151669)); // the first SMILES piece decodes to text
    }

    [Fact]
    public void Special_and_control_tokens_are_never_allowed_inside_a_value_and_end_only_when_complete()
    {
        var m = Matcher("""{"type":"object","properties":{"t":{"type":"string"}},"required":["t"]}""");
        Assert.True(m.CanRead("{\"t\": \"x"u8));
        foreach (var b in "{\"t\": \"x"u8.ToArray()) Assert.True(m.Accept(SharedTokenizers.Tiny.TokenToId(ByteLevelChar(b).ToString())!.Value));
        var allowed = Mask(m);
        Assert.True(allowed.Count > 100_000, $"inside a free string most tokens are allowed, got {allowed.Count}");
        Assert.DoesNotContain(allowed, id => !StructuredFixtures.InternS1.IsTextToken(id));
        Assert.False(m.Accept(StructuredFixtures.ImEnd));
        Assert.True(m.Accept(Id("\"}")));
        Assert.True(m.IsComplete);
        Assert.Equal([StructuredFixtures.EndOfText, StructuredFixtures.ImEnd], Mask(m));
        Assert.False(m.Accept(Id(",")));
        Assert.True(m.Accept(StructuredFixtures.ImEnd));
        Assert.True(m.IsTerminated);
        Assert.False(m.Accept(StructuredFixtures.ImEnd));
    }

    [Fact]
    public void A_complete_number_at_the_root_allows_both_more_digits_and_the_end()
    {
        var m = Matcher("""{"type":"integer","minimum":0,"maximum":100}""");
        Assert.True(m.Accept(Id("1")));
        Assert.True(m.IsComplete);
        var allowed = Mask(m);
        Assert.Contains(StructuredFixtures.ImEnd, allowed);
        Assert.Contains(Id("0"), allowed);
        Assert.DoesNotContain(Id("-"), allowed);
        Assert.True(m.Accept(Id("0")));
        Assert.True(m.Accept(Id("0")));
        Assert.Equal([StructuredFixtures.EndOfText, StructuredFixtures.ImEnd], Mask(m)); // 100: nothing may follow
    }

    [Fact]
    public void A_rejected_token_leaves_the_state_unchanged()
    {
        var m = Matcher("""{"enum":["yes","no"]}""");
        var before = Mask(m);
        Assert.False(m.Accept(Id("{")));
        Assert.Equal(before, Mask(m));
        Assert.Equal(0, m.AcceptedTokens);
    }

    [Fact]
    public void Clone_is_independent_and_rollback_restores_earlier_states()
    {
        var m = Matcher("""{"type":"array","items":{"type":"integer"},"maxItems":3}""");
        var start = Mask(m);
        Assert.True(m.Accept(Id("[")));
        var afterBracket = Mask(m);
        var clone = m.Clone();
        Assert.True(m.Accept(Id("1")));
        Assert.True(m.Accept(Id("]")));
        Assert.True(m.IsComplete);
        Assert.Equal(afterBracket, Mask(clone));
        Assert.False(clone.IsComplete);
        m.Rollback(2);
        Assert.Equal(afterBracket, Mask(m));
        Assert.True(m.Accept(Id("]")));
        Assert.True(m.Accept(StructuredFixtures.ImEnd));
        m.Rollback(3);
        Assert.False(m.IsTerminated);
        Assert.Equal(start, Mask(m));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Rollback(1));
    }

    [Fact]
    public void Json_object_mode_allows_any_object_and_only_an_object()
    {
        var m = StructuredFixtures.Compiler().CompileJsonObject().CreateMatcher();
        Assert.False(m.CanRead("["u8));
        Assert.False(m.CanRead("\"a\""u8));
        Assert.True(m.CanRead("{\"a\": [1, {\"b\": null}], \"c\": \"d\", \"a\": -1.5e3}"u8));
        Assert.False(m.CanRead("{\"a\":1}"u8)); // spaced policy: one space after ':'
        Assert.True(m.Accept(Id("{}")));
        Assert.True(m.IsComplete);
    }

    [Fact]
    public void Grammars_are_cached_by_the_SHA256_of_the_compact_schema_text()
    {
        var compiler = new StructuredOutputCompiler(StructuredFixtures.InternS1, new StructuredOutputOptions { PrecomputeMasks = false });
        var a = compiler.CompileJsonSchema(StructuredFixtures.Json("""{"type": "boolean"}"""));
        var b = compiler.CompileJsonSchema(StructuredFixtures.Json("""{"type":"boolean"}"""));
        Assert.Same(a, b);
        Assert.Equal(1, compiler.CachedGrammars);
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("""{"type":"boolean"}""")));
        Assert.Equal(expected, StructuredOutputCompiler.SchemaHash(StructuredFixtures.Json("""{ "type" : "boolean" }""")));
        Assert.Contains(expected, a.Key);
        Assert.NotSame(a, compiler.CompileJsonSchema(StructuredFixtures.Json("""{"type":"null"}""")));
    }

    [Fact]
    public void The_cache_keeps_at_most_its_capacity()
    {
        var compiler = new StructuredOutputCompiler(StructuredFixtures.InternS1, new StructuredOutputOptions { PrecomputeMasks = false, GrammarCacheCapacity = 3 });
        for (var i = 0; i < 10; i++) compiler.CompileJsonSchema(StructuredFixtures.Json($$"""{"const":{{i}}}"""));
        Assert.Equal(3, compiler.CachedGrammars);
    }

    [Fact]
    public void Compilation_is_thread_safe_and_concurrent_matchers_agree()
    {
        var compiler = new StructuredOutputCompiler(StructuredFixtures.InternS1, new StructuredOutputOptions { PrecomputeMasks = false });
        const string schema = """{"type":"object","properties":{"n":{"type":"integer","minimum":0,"maximum":50},"s":{"type":"string","maxLength":4}},"required":["n","s"]}""";
        var outputs = new string[8];
        Parallel.For(0, 8, i =>
        {
            var g = compiler.CompileJsonSchema(StructuredFixtures.Json(schema));
            outputs[i] = Encoding.UTF8.GetString(StructuredFixtures.RandomWalk(g.CreateMatcher(), compiler.Vocabulary, seed: 7, maxSteps: 200).Bytes);
        });
        Assert.Single(outputs.Distinct());
        Assert.Equal(1, compiler.CachedGrammars);
    }
}
