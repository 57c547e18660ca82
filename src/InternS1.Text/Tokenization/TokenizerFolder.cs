using System.Text.Json;
using System.Text.Json.Nodes;

namespace InternS1.Text.Tokenization;

/// <summary>The tokenizer files of a Hugging Face model folder, read into one description:
/// either <c>tokenizer.json</c>, or <c>vocab.json</c> + <c>merges.txt</c> with <c>tokenizer_config.json</c>,
/// <c>special_tokens_map.json</c> and <c>added_tokens.json</c>.</summary>
internal sealed class TokenizerFolder
{
    /// <summary>Qwen2/Qwen3 pre-tokenizer split regex (used when the folder has no tokenizer.json to read it from).</summary>
    public const string QwenPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public required string Directory { get; init; }
    public required Dictionary<string, int> Vocab { get; init; }
    public required List<string> Merges { get; init; }
    public required List<AddedToken> AddedTokens { get; init; }
    public required string Pattern { get; init; }
    public JsonObject Config { get; init; } = new();
    public Dictionary<string, string> SpecialTokenRoles { get; } = new();
    public HashSet<string> SpecialTokenStrings { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> ExtraSpecialTokens { get; } = new();

    public static bool HasScientificModels(string dir) =>
        File.Exists(Path.Combine(dir, "tokenizer_SMILES.model")) &&
        File.Exists(Path.Combine(dir, "tokenizer_IUPAC.model")) &&
        File.Exists(Path.Combine(dir, "tokenizer_FASTA.model"));

    public static TokenizerFolder Read(string dir)
    {
        if (!System.IO.Directory.Exists(dir))
            throw new TokenizerFilesException($"model folder '{dir}' does not exist");
        var tokenizerJson = Path.Combine(dir, "tokenizer.json");
        var vocabJson = Path.Combine(dir, "vocab.json");
        var mergesTxt = Path.Combine(dir, "merges.txt");
        var config = ReadObject(Path.Combine(dir, "tokenizer_config.json")) ?? new JsonObject();
        // NOTE: Intern-S1's tokenizer is a slow (Python) tokenizer defined by vocab.json + merges.txt +
        // tokenizer_config.json; a tokenizer.json next to the SentencePiece models is not authoritative.
        var preferSlowFiles = HasScientificModels(dir) && File.Exists(vocabJson) && File.Exists(mergesTxt);
        TokenizerFolder folder;
        if (File.Exists(tokenizerJson) && !preferSlowFiles) folder = ReadTokenizerJson(dir, tokenizerJson, config);
        else if (File.Exists(vocabJson) && File.Exists(mergesTxt)) folder = ReadSlowFiles(dir, vocabJson, mergesTxt, config);
        else throw new TokenizerFilesException(
            $"model folder '{dir}' has neither tokenizer.json nor vocab.json + merges.txt");
        folder.ReadSpecialTokens(config, ReadObject(Path.Combine(dir, "special_tokens_map.json")));
        return folder;
    }

    private static TokenizerFolder ReadTokenizerJson(string dir, string path, JsonObject config)
    {
        // NOTE: JsonDocument, not JsonNode: the file has 151k vocabulary entries and 151k merges.
        using var doc = ParseDocument(path);
        var root = doc.RootElement;
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object) throw Bad(path, "model", "is missing");
        if (model.TryGetProperty("type", out var typeEl) && typeEl.GetString() is { } type && type != "BPE")
            throw Bad(path, "model.type", $"is '{type}', only BPE is supported");
        if (!model.TryGetProperty("vocab", out var vocabEl) || vocabEl.ValueKind != JsonValueKind.Object) throw Bad(path, "model.vocab", "is missing");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in vocabEl.EnumerateObject()) vocab[p.Name] = p.Value.GetInt32();
        if (!model.TryGetProperty("merges", out var mergesEl) || mergesEl.ValueKind != JsonValueKind.Array) throw Bad(path, "model.merges", "is missing");
        var merges = new List<string>(mergesEl.GetArrayLength());
        foreach (var m in mergesEl.EnumerateArray())
        {
            merges.Add(m.ValueKind switch
            {
                JsonValueKind.Array when m.GetArrayLength() == 2 => $"{m[0].GetString()} {m[1].GetString()}",
                JsonValueKind.String => m.GetString()!,
                _ => throw Bad(path, "model.merges", $"has an entry that is neither \"a b\" nor [a, b]: {m.GetRawText()}"),
            });
        }
        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out var addedEl) && addedEl.ValueKind == JsonValueKind.Array)
        {
            foreach (var t in addedEl.EnumerateArray())
            {
                var node = JsonNode.Parse(t.GetRawText()) as JsonObject ?? throw Bad(path, "added_tokens", "has a non-object entry");
                added.Add(ParseAdded(node, (int?)node["id"] ?? throw Bad(path, "added_tokens[].id", "is missing"), path));
            }
        }
        var pre = root.TryGetProperty("pre_tokenizer", out var preEl) ? JsonNode.Parse(preEl.GetRawText()) : null;
        return new TokenizerFolder
        {
            Directory = dir, Vocab = vocab, Merges = merges, AddedTokens = added, Config = config,
            Pattern = FindSplitPattern(pre) ?? QwenPattern,
        };
    }

    internal static JsonDocument ParseDocument(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e) { throw new TokenizerFilesException($"{path}: invalid JSON: {e.Message}", e); }
    }

    private static TokenizerFolder ReadSlowFiles(string dir, string vocabPath, string mergesPath, JsonObject config)
    {
        Dictionary<string, int> vocab;
        try
        {
            vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllBytes(vocabPath))
                ?? throw Bad(vocabPath, "(root)", "is null");
        }
        catch (JsonException e) { throw new TokenizerFilesException($"{vocabPath}: not a JSON object of token -> id: {e.Message}", e); }
        var merges = new List<string>();
        var lineNo = 0;
        foreach (var raw in File.ReadLines(mergesPath))
        {
            lineNo++;
            var line = raw.Trim();
            if ((lineNo == 1 && line.StartsWith("#version:", StringComparison.Ordinal)) || line.Length == 0) continue;
            if (line.Split(' ').Length != 2)
                throw new TokenizerFilesException($"{mergesPath}:{lineNo}: a merge must be two tokens separated by one space");
            merges.Add(line);
        }
        var added = new Dictionary<int, AddedToken>();
        var cfgPath = Path.Combine(dir, "tokenizer_config.json");
        if (config["added_tokens_decoder"] is JsonObject decoder)
        {
            foreach (var (key, node) in decoder)
            {
                if (!int.TryParse(key, out var id)) throw Bad(cfgPath, "added_tokens_decoder", $"key '{key}' is not an integer id");
                added[id] = ParseAdded(node as JsonObject ?? throw Bad(cfgPath, $"added_tokens_decoder.{key}", "is not an object"), id, cfgPath);
            }
        }
        var addedJson = ReadObject(Path.Combine(dir, "added_tokens.json"));
        foreach (var (content, idNode) in addedJson ?? [])
        {
            var id = idNode!.GetValue<int>();
            if (!added.ContainsKey(id)) added[id] = new AddedToken(content, id, Special: false);
        }
        return new TokenizerFolder
        {
            Directory = dir, Vocab = vocab, Merges = merges, Config = config, Pattern = QwenPattern,
            AddedTokens = added.Values.OrderBy(t => t.Id).ToList(),
        };
    }

    private void ReadSpecialTokens(JsonObject config, JsonObject? map)
    {
        foreach (var source in new[] { map, config })
        {
            if (source is null) continue;
            foreach (var role in new[] { "bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token", "mask_token" })
            {
                if (TokenContent(source[role]) is { } content)
                {
                    SpecialTokenRoles.TryAdd(role, content);
                    SpecialTokenStrings.Add(content);
                }
            }
            if (source["additional_special_tokens"] is JsonArray extra)
                foreach (var t in extra) if (TokenContent(t) is { } c) SpecialTokenStrings.Add(c);
            if (source["extra_special_tokens"] is JsonObject named)
                foreach (var (name, t) in named) if (TokenContent(t) is { } c) { ExtraSpecialTokens.TryAdd(name, c); SpecialTokenStrings.Add(c); }
        }
    }

    private static string? TokenContent(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o => (string?)o["content"],
        _ => null,
    };

    private static AddedToken ParseAdded(JsonObject t, int id, string path) => new(
        (string?)t["content"] ?? throw Bad(path, $"added token {id}", "has no content"),
        id,
        (bool?)t["special"] ?? false,
        (bool?)t["lstrip"] ?? false,
        (bool?)t["rstrip"] ?? false);

    private static string? FindSplitPattern(JsonNode? pre)
    {
        if (pre is not JsonObject o) return null;
        if ((string?)o["type"] == "Split" && o["pattern"] is JsonObject p && (string?)p["Regex"] is { } rx) return rx;
        if (o["pretokenizers"] is JsonArray list)
            foreach (var item in list) if (FindSplitPattern(item) is { } found) return found;
        return null;
    }

    internal static JsonObject? ReadObject(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject
                ?? throw new TokenizerFilesException($"{path}: the root must be a JSON object");
        }
        catch (JsonException e) { throw new TokenizerFilesException($"{path}: invalid JSON: {e.Message}", e); }
    }

    private static TokenizerFilesException Bad(string path, string field, string problem) => new($"{path}: {field} {problem}");
}
