using InternS1.Text.Tests.Jinja;
using InternS1.Text.Tokenization;

namespace InternS1.Text.Tests.Chat;

/// <summary>The ids of template-produced prompts do not change: on every golden chat-template fixture, encoding the
/// segmented rendering gives the ids of encoding its text, whenever content holds no token text (and always under Allow).</summary>
public class SegmentedParityTests
{
    public static TheoryData<string> Cases() => ChatTemplateGoldenTests.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Escape_gives_the_ids_of_the_rendered_text_when_content_spells_no_token(string key)
    {
        if (!File.Exists(Path.Combine(TestPaths.Fixtures, "jinja", "expected", key + ".txt"))) return;
        var (template, content, trusted) = SegmentedRenderingTests.Load(key);
        var rendered = template.RenderSegmented(content, trusted);
        foreach (var tok in new[] { SharedTokenizers.Qwen3, SharedTokenizers.Tiny })
        {
            var plain = tok.Encode(rendered.Text);
            Assert.Equal(plain, tok.Encode(rendered, SpecialTokenPolicy.Allow));
            var spellsToken = rendered.ContentSpans.Any(s => tok.AddedTokens.Any(t =>
                !tok.AllowedInContent.Contains(t.Content) && rendered.Text.Substring(s.Start, s.Length).Contains(t.Content, StringComparison.Ordinal)));
            if (!spellsToken) Assert.Equal(plain, tok.Encode(rendered, SpecialTokenPolicy.Escape));
            else Assert.NotEqual(plain, tok.Encode(rendered, SpecialTokenPolicy.Escape));
        }
    }
}
