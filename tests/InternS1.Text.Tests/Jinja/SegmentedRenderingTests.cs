using System.Text.Json.Nodes;
using InternS1.Text.Jinja;
using InternS1.Text.Tokenization;

namespace InternS1.Text.Tests.Jinja;

/// <summary>Rendering that marks which characters came from the context: the text is the same as plain rendering
/// (against the @huggingface/jinja golden fixtures), and content stays marked through the operations templates use.</summary>
public class SegmentedRenderingTests
{
    private static readonly string[] SpecialTokenKeys = ["bos_token", "eos_token", "unk_token", "pad_token"];
    private static string Dir => Path.Combine(TestPaths.Fixtures, "jinja");

    public static TheoryData<string> Cases() => ChatTemplateGoldenTests.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Segmented_rendering_gives_the_golden_text_and_every_span_is_text_of_its_source(string key)
    {
        var expectedPath = Path.Combine(Dir, "expected", key + ".txt");
        if (!File.Exists(expectedPath)) return; // the .error cases are covered by the golden tests
        var (template, content, trusted) = Load(key);
        var rendered = template.RenderSegmented(content, trusted);
        Assert.Equal(File.ReadAllText(expectedPath), rendered.Text);
        foreach (var span in rendered.ContentSpans)
        {
            var text = rendered.Text.Substring(span.Start, span.Length);
            var source = Resolve(content, span.Source);
            // The span's characters occur in the source value as they are (up to case: upper, capitalize), or escaped as JSON.
            const StringComparison cmp = StringComparison.OrdinalIgnoreCase;
            Assert.True(source.Contains(text, cmp) || JsonWriter.Quote(source, false).Contains(text, cmp) || JsonWriter.Quote(source, true).Contains(text, cmp),
                $"{key}: «{text}» is not from {span.Source} «{source}»");
        }
    }

    [Fact]
    public void Every_message_text_of_a_fixture_is_marked_as_content_where_it_is_printed()
    {
        var (template, content, trusted) = Load("qwen3__system_user");
        var rendered = template.RenderSegmented(content, trusted);
        var user = (string)content["messages"]![1]!["content"]!;
        var at = rendered.Text.IndexOf(user, StringComparison.Ordinal);
        Assert.True(at > 0);
        Assert.Contains(new ContentSpan(at, user.Length, "messages[1].content"), rendered.ContentSpans);
        Assert.True(rendered.IsTemplate(0, "<|im_start|>".Length));
    }

    [Fact]
    public void Content_stays_content_through_concatenation_trim_slicing_and_case_changes()
    {
        var r = Render("{{ '[' ~ (x | trim)[1:] ~ ']' + x.upper()[0:2] + x.strip().lower() }}", new() { ["x"] = "  <AB>  " });
        Assert.Equal("[AB>]  <ab>", r.Text);
        Assert.Equal([new ContentSpan(1, 3, "x"), new ContentSpan(5, 6, "x")], r.ContentSpans);
    }

    [Fact]
    public void Tojson_marks_the_escaped_characters_of_content_strings_and_keys_but_not_the_quotes()
    {
        var r = Render("{{ d | tojson }}", new() { ["d"] = new JsonObject { ["k\""] = "v\n", ["n"] = 1 } });
        Assert.Equal("{\"k\\\"\": \"v\\n\", \"n\": 1}", r.Text);
        Assert.Equal([new ContentSpan(2, 3, "d[\"k\\\"\"] (key)"), new ContentSpan(9, 3, "d[\"k\\\"\"]"), new ContentSpan(16, 1, "d.n (key)")], r.ContentSpans);
    }

    [Fact]
    public void Split_replace_join_and_indent_keep_the_content_parts_and_template_parts_apart()
    {
        var r = Render("{{ x.split(',')[1] }}|{{ x.replace(',', '<sep>') }}|{{ x.split(',') | join('+') }}|{{ y | indent(2) }}",
            new() { ["x"] = "a,b", ["y"] = "p\nq" });
        Assert.Equal("b|a<sep>b|a+b|p\n  q", r.Text);
        Assert.Equal(
            [new ContentSpan(0, 1, "x"), new ContentSpan(2, 1, "x"), new ContentSpan(8, 1, "x"), new ContentSpan(10, 1, "x"),
             new ContentSpan(12, 1, "x"), new ContentSpan(14, 2, "y"), new ContentSpan(18, 1, "y")],
            r.ContentSpans);
    }

    [Fact]
    public void Content_passes_through_macros_set_blocks_loops_and_object_keys()
    {
        var r = Render(
            "{% macro m(v) %}<{{ v }}>{% endmacro %}{% set s %}{{ m(a) }}{% endset %}{{ s }}{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
            new() { ["a"] = "A", ["d"] = new JsonObject { ["key"] = "val" } });
        Assert.Equal("<A>key=val;", r.Text);
        Assert.Equal([new ContentSpan(1, 1, "a"), new ContentSpan(3, 3, "d.key (key)"), new ContentSpan(7, 3, "d.key")], r.ContentSpans);
    }

    [Fact]
    public void Literals_numbers_and_trusted_variables_are_template_text()
    {
        var r = JinjaTemplate.Parse("{{ bos }}{{ n + 1 }}{{ 'lit' }}{{ flag }}").RenderSegmented(
            new JsonObject { ["n"] = 41, ["flag"] = true }, new JsonObject { ["bos"] = "<s>" });
        Assert.Equal("<s>42littrue", r.Text);
        Assert.Empty(r.ContentSpans);
    }

    private static SegmentedText Render(string source, JsonObject content) => JinjaTemplate.Parse(source).RenderSegmented(content);

    internal static (JinjaTemplate Template, JsonObject Content, JsonObject Trusted) Load(string key)
    {
        var name = key[..key.IndexOf("__", StringComparison.Ordinal)];
        var template = JinjaTemplate.Parse(File.ReadAllText(Path.Combine(Dir, "templates", name + ".jinja")));
        var content = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Dir, "contexts", key + ".json")))!;
        var trusted = new JsonObject();
        foreach (var k in SpecialTokenKeys)
            if (content.Remove(k, out var v)) trusted[k] = v;
        return (template, content, trusted);
    }

    /// <summary>The string at a span's source path (<c>messages[1].content</c>, keys end in " (key)").</summary>
    private static string Resolve(JsonObject root, string path)
    {
        var isKey = path.EndsWith(" (key)", StringComparison.Ordinal);
        if (isKey) path = path[..^6];
        JsonNode? node = root;
        string last = "";
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.') i++;
            if (path[i] == '[')
            {
                var close = path[i + 1] == '"' ? path.IndexOf("\"]", i + 2, StringComparison.Ordinal) + 1 : path.IndexOf(']', i);
                var inside = path[(i + 1)..close];
                if (inside.StartsWith('"')) { last = JsonNode.Parse(inside)!.GetValue<string>(); node = node![last]; }
                else node = node![int.Parse(inside)];
                i = close + 1;
            }
            else
            {
                var end = path.IndexOfAny(['.', '['], i);
                if (end < 0) end = path.Length;
                last = path[i..end];
                node = node![last];
                i = end;
            }
        }
        return isKey ? last : node!.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
    }
}
