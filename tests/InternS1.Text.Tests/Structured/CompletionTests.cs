using System.Text;
using InternS1.Text.Structured;

namespace InternS1.Text.Tests.Structured;

/// <summary>A bounded schema always reaches completion; an unbounded one never leaves the language: after every
/// token the text is still a prefix of an allowed output (checked by the independent reference recognizer).</summary>
public class CompletionTests
{
    [Theory]
    [InlineData("""{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}""")]
    [InlineData("""{"type":"array","items":{"type":"number"}}""")]
    [InlineData("""{"type":"object","properties":{"any":{}},"required":["any"]}""")]
    public void An_unbounded_schema_stays_a_valid_prefix_after_every_token(string schema)
    {
        var compiler = StructuredFixtures.Compiler();
        var reference = new ReferenceRecognizer(StructuredFixtures.Json(schema), spaced: true);
        for (var seed = 0; seed < 3; seed++)
        {
            var (bytes, _, steps) = StructuredFixtures.RandomWalk(compiler.CompileJsonSchema(StructuredFixtures.Json(schema)).CreateMatcher(),
                compiler.Vocabulary, seed, maxSteps: 120,
                afterEachToken: text => Assert.True(reference.IsPrefix(text), $"not a valid prefix: {Encoding.UTF8.GetString(text)}"));
            Assert.True(steps > 0);
            if (reference.IsComplete(bytes)) continue;
            Assert.Equal(120, steps); // an incomplete walk only stops at the step limit
        }
    }

    [Fact]
    public void Json_object_mode_stays_a_valid_prefix_after_every_token()
    {
        var compiler = StructuredFixtures.Compiler();
        var reference = new ReferenceRecognizer(StructuredFixtures.Json("""{"type":"object"}"""), spaced: true);
        for (var seed = 0; seed < 3; seed++)
            StructuredFixtures.RandomWalk(compiler.CompileJsonObject().CreateMatcher(), compiler.Vocabulary, seed, maxSteps: 120,
                afterEachToken: text => Assert.True(reference.IsPrefix(text), $"not a valid prefix: {Encoding.UTF8.GetString(text)}"));
    }

    [Fact]
    public void A_bounded_schema_completes_within_its_longest_output_for_every_seed()
    {
        // Longest output: {"k": "xxxxxxxx", "n": [9, 9, 9]} in bytes; every token adds at least one byte.
        const string schema = """{"type":"object","properties":{"k":{"type":"string","maxLength":8},"n":{"type":"array","items":{"enum":[1,9]},"maxItems":3}},"required":["k","n"]}""";
        var compiler = StructuredFixtures.Compiler();
        var grammar = compiler.CompileJsonSchema(StructuredFixtures.Json(schema));
        for (var seed = 0; seed < 50; seed++)
        {
            var (bytes, terminated, steps) = StructuredFixtures.RandomWalk(grammar.CreateMatcher(), compiler.Vocabulary, seed, maxSteps: 400);
            Assert.True(terminated, $"seed {seed} did not end: {Encoding.UTF8.GetString(bytes)}");
            Assert.True(steps <= bytes.Length + 1);
        }
    }
}
