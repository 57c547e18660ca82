using System.Text.Json.Nodes;
using InternS1.Text.Jinja;
using InternS1.Text.Tokenization;

namespace InternS1.Text.Chat;

/// <summary>
/// A model's chat template, rendered from the model folder (<c>chat_template.jinja</c>, else <c>chat_template</c> of
/// <c>tokenizer_config.json</c>) with the variables transformers passes: <c>messages</c>, <c>tools</c>,
/// <c>add_generation_prompt</c> (default false), the special tokens (<c>bos_token</c>, <c>eos_token</c>, ... from the
/// folder unless given) and any extra keyword such as <c>enable_thinking</c>.
/// </summary>
public sealed class ChatTemplate
{
    private readonly JinjaTemplate _template;
    private readonly Dictionary<string, string?> _specialTokens;

    private ChatTemplate(string source, string origin, Dictionary<string, string?> specialTokens)
    {
        Source = source;
        Origin = origin;
        _specialTokens = specialTokens;
        try
        {
            _template = JinjaTemplate.Parse(source);
        }
        catch (JinjaException e)
        {
            throw new JinjaException($"{origin}: {e.Reason}", e.Line, e.Column, e);
        }
    }

    /// <summary>The template text.</summary>
    public string Source { get; }

    /// <summary>Where the template came from (file path, or tokenizer_config.json).</summary>
    public string Origin { get; }

    /// <summary>The tiny default model's template: a reconstruction of Intern-S1's (see the comment at its top).</summary>
    public static string ReconstructedInternS1Source
    {
        get
        {
            using var stream = typeof(ChatTemplate).Assembly.GetManifestResourceStream("InternS1.Text.Assets.intern-s1-chat-template.jinja")!;
            return new StreamReader(stream).ReadToEnd();
        }
    }

    /// <summary>Loads the chat template of a model folder.</summary>
    /// <exception cref="TokenizerFilesException">The folder has no chat template.</exception>
    /// <exception cref="JinjaException">The template does not parse (message names file, line and column).</exception>
    public static ChatTemplate Load(string modelDirectory, string? templateFile = null)
    {
        var config = TokenizerFolder.ReadObject(Path.Combine(modelDirectory, "tokenizer_config.json"));
        var map = TokenizerFolder.ReadObject(Path.Combine(modelDirectory, "special_tokens_map.json"));
        var special = new Dictionary<string, string?>();
        foreach (var source in new[] { config, map })
        {
            if (source is null) continue;
            foreach (var role in new[] { "bos_token", "eos_token", "unk_token", "pad_token" })
            {
                if (special.ContainsKey(role) || !source.ContainsKey(role)) continue;
                special[role] = source[role] switch { JsonObject o => (string?)o["content"], JsonValue v when v.TryGetValue<string>(out var s) => s, _ => null };
            }
        }
        if (templateFile is not null)
        {
            if (!File.Exists(templateFile)) throw new FileNotFoundException($"template file '{templateFile}' does not exist", templateFile);
            return new ChatTemplate(File.ReadAllText(templateFile), templateFile, special);
        }
        var jinjaPath = Path.Combine(modelDirectory, "chat_template.jinja");
        if (File.Exists(jinjaPath)) return new ChatTemplate(File.ReadAllText(jinjaPath), jinjaPath, special);
        var configPath = Path.Combine(modelDirectory, "tokenizer_config.json");
        var node = config?["chat_template"];
        string? text = node switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonArray list => list.OfType<JsonObject>().FirstOrDefault(t => (string?)t["name"] == "default")?["template"]?.GetValue<string>(),
            _ => null,
        };
        return text is null
            ? throw new TokenizerFilesException($"model folder '{modelDirectory}' has no chat_template.jinja and {configPath} has no chat_template")
            : new ChatTemplate(text, configPath + " (chat_template)", special);
    }

    /// <summary>A template from source text (special tokens default to none).</summary>
    public static ChatTemplate FromSource(string source, string origin = "template") => new(source, origin, new Dictionary<string, string?>());

    /// <summary>Renders the prompt. <paramref name="context"/> is not modified; missing <c>add_generation_prompt</c>
    /// is false and missing special tokens come from the model folder.</summary>
    /// <exception cref="JinjaException">Rendering failed (message has the template line and column).</exception>
    public string Render(JsonObject context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var variables = (JsonObject)context.DeepClone();
        foreach (var (key, value) in Defaults(context)) variables[key] = value?.DeepClone();
        try
        {
            return _template.Render(variables);
        }
        catch (JinjaException e)
        {
            throw new JinjaException($"{Origin}: {e.Reason}", e.Line, e.Column, e);
        }
    }

    /// <summary>
    /// Renders the same text as <see cref="Render"/>, marking which characters came from <paramref name="context"/>:
    /// every string in it — message content and parts, tool calls and their arguments, tool results, tool names,
    /// descriptions and schemas, extra keyword arguments — is a <see cref="ContentSpan"/> labelled with its path
    /// (<c>messages[1].content</c>). The template's own text, the special tokens read from the model folder and the
    /// default <c>add_generation_prompt</c> are template text. Tokenize the result with
    /// <see cref="InternS1Tokenizer.Encode(SegmentedText, SpecialTokenPolicy)"/> so that only the template can produce
    /// control tokens. See <see cref="JinjaTemplate.RenderSegmented"/> for what carries the mark through the template.
    /// </summary>
    /// <exception cref="JinjaException">Rendering failed (message has the template line and column).</exception>
    public SegmentedText RenderSegmented(JsonObject context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var trusted = new JsonObject();
        foreach (var (key, value) in Defaults(context)) trusted[key] = value?.DeepClone();
        try
        {
            return _template.RenderSegmented(context, trusted);
        }
        catch (JinjaException e)
        {
            throw new JinjaException($"{Origin}: {e.Reason}", e.Line, e.Column, e);
        }
    }

    /// <summary>Variables the caller did not give: <c>add_generation_prompt</c> = false and the folder's special tokens.</summary>
    private IEnumerable<KeyValuePair<string, JsonNode?>> Defaults(JsonObject context)
    {
        if (!context.ContainsKey("add_generation_prompt")) yield return new("add_generation_prompt", false);
        foreach (var (role, token) in _specialTokens)
            if (!context.ContainsKey(role)) yield return new(role, token);
    }
}
