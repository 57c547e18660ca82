using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>Qwen3's byte-level BPE on Microsoft.ML.Tokenizers alone, built straight from the real tokenizer.json (vocab,
/// merges, the split regex): no added or special tokens at all. The independent "text with special-token matching off"
/// that ids of escaped content are compared with.</summary>
public static class ReferenceBpe
{
    private static readonly Lazy<BpeTokenizer> Tokenizer = new(() =>
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(TinyPromptFolder.Qwen3Directory, "tokenizer.json")))!;
        var vocab = json["model"]!["vocab"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>());
        var merges = json["model"]!["merges"]!.AsArray().Select(m => m is JsonArray pair ? $"{pair[0]} {pair[1]}" : m!.GetValue<string>()).ToList();
        var pattern = json["pre_tokenizer"]!["pretokenizers"]![0]!["pattern"]!["Regex"]!.GetValue<string>();
        return BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = merges,
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(new Regex(pattern, RegexOptions.CultureInvariant), null),
        });
    });

    /// <summary>The ids of <paramref name="text"/> as plain text.</summary>
    public static int[] Encode(string text) => Tokenizer.Value.EncodeToIds(text).ToArray();
}
