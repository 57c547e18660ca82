using System.Text.Json.Nodes;
using InternS1.Text.Chat;
using InternS1.Text.Tokenization;

namespace InternS1.Text.Tests.Jinja;

public class ChatTemplateLoadTests
{
    private static string Golden(string key) => File.ReadAllText(Path.Combine(TestPaths.Fixtures, "jinja", "expected", key + ".txt"));
    private static JsonObject Context(string key) => (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.Fixtures, "jinja", "contexts", key + ".json")))!;

    [Fact]
    public void Tiny_folder_renders_its_chat_template_jinja_like_the_reference()
    {
        var template = ChatTemplate.Load(SharedTokenizers.TinyDir);
        Assert.EndsWith("chat_template.jinja", template.Origin);
        Assert.Equal(Golden("intern-s1-reconstructed__tools"), template.Render(Context("intern-s1-reconstructed__tools")));
    }

    [Fact]
    public void Qwen3_folder_renders_the_chat_template_of_tokenizer_config_with_its_special_tokens()
    {
        var template = ChatTemplate.Load(TestPaths.Qwen3TokenizerDir);
        Assert.Contains("tokenizer_config.json", template.Origin);
        var context = Context("qwen3__multi_turn_reasoning");
        context.Remove("bos_token");
        context.Remove("eos_token");
        Assert.Equal(Golden("qwen3__multi_turn_reasoning"), template.Render(context));
    }

    [Fact]
    public void A_folder_without_a_template_is_an_error_naming_the_files()
    {
        var dir = Directory.CreateTempSubdirectory("interns1-no-template").FullName;
        var e = Assert.Throws<TokenizerFilesException>(() => ChatTemplate.Load(dir));
        Assert.Contains("chat_template", e.Message);
    }

    [Fact]
    public void Template_syntax_errors_name_the_file_line_and_column()
    {
        var dir = Directory.CreateTempSubdirectory("interns1-bad-template").FullName;
        File.WriteAllText(Path.Combine(dir, "chat_template.jinja"), "ok\n{% for m in messages %}{{ m.content }");
        var e = Assert.Throws<InternS1.Text.Jinja.JinjaException>(() => ChatTemplate.Load(dir));
        Assert.Contains("chat_template.jinja", e.Message);
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void Reconstructed_template_puts_one_placeholder_per_media_part_in_order()
    {
        var output = ChatTemplate.Load(SharedTokenizers.TinyDir).Render(Context("intern-s1-reconstructed__content_parts"));
        Assert.Contains("<|im_start|>user\nDescribe this image:<IMG_CONTEXT>\n and this clip:<video>\n<|im_end|>", output);
        Assert.EndsWith("<|im_start|>assistant\n<think>", output);
    }
}
