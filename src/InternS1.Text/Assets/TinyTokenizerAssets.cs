using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternS1.Text.Chat;
using InternS1.Text.Scientific;
using InternS1.Text.Tokenization;

namespace InternS1.Text.Assets;

/// <summary>
/// Writes the tokenizer files of the tiny default model in the layout of a real Intern-S1 folder, from the real
/// Qwen3 <c>tokenizer.json</c>: vocab.json, merges.txt, tokenizer_config.json, special_tokens_map.json,
/// chat_template.jinja and three small SentencePiece models (real <c>ModelProto</c> format, real piece counts
/// 256/512/512) so that the scientific tags get the ids of the real layout (&lt;SMILES&gt; = 151925, ...).
/// </summary>
public static class TinyTokenizerAssets
{
    /// <summary>Piece counts of the SentencePiece models: SMILES 256 and IUPAC 512 follow from the verified offsets;
    /// FASTA 512 is inferred (it puts the first token after the FASTA pieces at 152955).</summary>
    public const int SmilesPieces = 256, IupacPieces = 512, FastaPieces = 512;

    /// <summary>Intern-S1 tokens after the FASTA pieces. Only &lt;IMG_CONTEXT&gt; = 152957 is verified; the rest
    /// follow the notes' layout rule (consecutive ids after the FASTA pieces) and are unverified.</summary>
    public static readonly IReadOnlyList<(string Content, int Id)> ExtraTokens =
    [
        ("<img>", 152955), ("</img>", 152956), ("<IMG_CONTEXT>", 152957), ("<video>", 152958),
        ("<|action_start|>", 152959), ("<|action_end|>", 152960), ("<|plugin|>", 152961), ("<|interpreter|>", 152962),
    ];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the files into <paramref name="outputDir"/> (created if needed).</summary>
    /// <param name="qwen3TokenizerDir">Folder with the real Qwen3 tokenizer.json (see ops/fetch-tokenizer.sh).</param>
    /// <param name="outputDir">Model folder to write into.</param>
    public static void Write(string qwen3TokenizerDir, string outputDir)
    {
        var path = Path.Combine(qwen3TokenizerDir, "tokenizer.json");
        var root = TokenizerFolder.ReadObject(path) ?? throw new TokenizerFilesException($"{path} does not exist");
        Directory.CreateDirectory(outputDir);
        var model = (JsonObject)root["model"]!;

        // vocab.json and merges.txt: the Qwen3 BPE, unchanged.
        File.WriteAllText(Path.Combine(outputDir, "vocab.json"), model["vocab"]!.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        var merges = new StringBuilder("#version: 0.2\n");
        foreach (var m in (JsonArray)model["merges"]!)
            merges.Append(m is JsonArray pair ? $"{(string?)pair[0]} {(string?)pair[1]}" : (string?)m).Append('\n');
        File.WriteAllText(Path.Combine(outputDir, "merges.txt"), merges.ToString());

        // Added tokens: Qwen3's (ids from tokenizer.json), the scientific tags, Intern-S1's extra tokens.
        var decoder = new JsonObject();
        void Add(string content, int id, bool special) => decoder[id.ToString()] = new JsonObject
        {
            ["content"] = content, ["lstrip"] = false, ["normalized"] = false, ["rstrip"] = false,
            ["single_word"] = false, ["special"] = special,
        };
        var qwenAdded = ((JsonArray)root["added_tokens"]!).OfType<JsonObject>().ToList();
        foreach (var t in qwenAdded) Add((string)t["content"]!, (int)t["id"]!, (bool?)t["special"] ?? false);
        var vocabSize = ((JsonObject)model["vocab"]!).Count;
        var smilesOffset = vocabSize + qwenAdded.Count;
        var smilesTag = smilesOffset + SmilesPieces;
        var iupacTag = smilesTag + 4 + IupacPieces;
        foreach (var (c, i) in new[] { ("<SMILES>", smilesTag), ("</SMILES>", smilesTag + 1), ("<SELFIES>", smilesTag + 2), ("</SELFIES>", smilesTag + 3), ("<IUPAC>", iupacTag), ("</IUPAC>", iupacTag + 1) })
            Add(c, i, true);
        foreach (var (c, i) in ExtraTokens) Add(c, i, true);

        var additional = new JsonArray();
        foreach (var t in qwenAdded.Where(t => (bool?)t["special"] == true && (string?)t["content"] is not ("<|endoftext|>"))) additional.Add((string)t["content"]!);
        foreach (var (c, _) in ExtraTokens) additional.Add(c);
        var config = new JsonObject
        {
            ["_interns1_note"] = "Written by InternS1.Text TinyTokenizerAssets for the tiny default model. Verified ids: Qwen3 tokens, " +
                "<SMILES>=151925, </SMILES>=151926, <IMG_CONTEXT>=152957. <SELFIES>/<IUPAC> ids follow the reference's layout rule; " +
                "<img>, </img>, <video>, <|action_start|>, <|action_end|>, <|plugin|>, <|interpreter|> ids are UNVERIFIED (consecutive after the FASTA pieces).",
            ["add_bos_token"] = false,
            ["add_prefix_space"] = false,
            ["added_tokens_decoder"] = decoder,
            ["additional_special_tokens"] = additional,
            ["auto_map"] = new JsonObject { ["AutoTokenizer"] = new JsonArray("tokenization_interns1.InternS1Tokenizer", null) },
            ["bos_token"] = null,
            ["clean_up_tokenization_spaces"] = false,
            ["eos_token"] = "<|im_end|>",
            ["errors"] = "replace",
            ["extra_special_tokens"] = new JsonObject
            {
                ["context_image_token"] = "<IMG_CONTEXT>", ["end_image_token"] = "</img>",
                ["start_image_token"] = "<img>", ["video_token"] = "<video>",
            },
            ["model_max_length"] = 40960,
            ["pad_token"] = "<|endoftext|>",
            ["split_special_tokens"] = false,
            ["tokenizer_class"] = "InternS1Tokenizer",
            ["unk_token"] = null,
        };
        File.WriteAllText(Path.Combine(outputDir, "tokenizer_config.json"), config.ToJsonString(Json));
        var map = new JsonObject
        {
            ["additional_special_tokens"] = additional.DeepClone(),
            ["eos_token"] = new JsonObject { ["content"] = "<|im_end|>", ["lstrip"] = false, ["normalized"] = false, ["rstrip"] = false, ["single_word"] = false },
            ["pad_token"] = new JsonObject { ["content"] = "<|endoftext|>", ["lstrip"] = false, ["normalized"] = false, ["rstrip"] = false, ["single_word"] = false },
        };
        File.WriteAllText(Path.Combine(outputDir, "special_tokens_map.json"), map.ToJsonString(Json));
        File.WriteAllText(Path.Combine(outputDir, "chat_template.jinja"), ChatTemplate.ReconstructedInternS1Source);

        TinySentencePieceModels.Smiles().Save(Path.Combine(outputDir, "tokenizer_SMILES.model"));
        TinySentencePieceModels.Iupac().Save(Path.Combine(outputDir, "tokenizer_IUPAC.model"));
        TinySentencePieceModels.Fasta().Save(Path.Combine(outputDir, "tokenizer_FASTA.model"));
    }
}
