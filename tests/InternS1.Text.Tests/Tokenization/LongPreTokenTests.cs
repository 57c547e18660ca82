using System.Text;
using System.Text.RegularExpressions;
using InternS1.Text.Tokenization;
using Microsoft.ML.Tokenizers;

namespace InternS1.Text.Tests.Tokenization;

/// <summary>The heap merger that handles long pre-tokens against the quadratic algorithm it replaces: Microsoft.ML.Tokenizers'
/// BPE built straight from the real Qwen3 tokenizer.json (as the tokenizer did before), on inputs of a few KB.</summary>
public class LongPreTokenTests
{
    private static readonly Lazy<TokenizerFolder> Folder = new(() => SharedTokenizers.Qwen3Folder);
    private static readonly Lazy<BpeModel> Model = new(() => new BpeModel(Folder.Value));
    private static readonly Lazy<BpeTokenizer> Reference = new(() => SharedTokenizers.ReferenceBpe);

    public static TheoryData<string, int> Alphabets() => new()
    {
        { "a", 5000 }, { "ab", 4099 }, { "-", 3000 }, { " ", 2500 }, { "=*/", 1200 }, { "中文字符处理", 1500 },
        { "abcdefghijklmnopqrstuvwxyz", 2500 }, { "ÄäÖöÜüßéèêñ", 2000 }, { "😀🇯🇵👍", 700 }, { "\t \u00a0\u3000", 900 },
    };

    [Theory]
    [MemberData(nameof(Alphabets))]
    public void A_long_word_gets_the_ids_of_the_quadratic_reference(string alphabet, int length)
    {
        var rnd = new Random(length);
        var runes = alphabet.EnumerateRunes().ToArray();
        var sb = new StringBuilder();
        while (sb.Length < length) sb.Append(runes[rnd.Next(runes.Length)].ToString());
        var text = sb.ToString();
        Assert.True(Longest(text) > BpeModel.LongPreTokenChars, "the input must contain a pre-token long enough for the heap merger");
        var got = new List<int>();
        Model.Value.Encode(text, got);
        Assert.Equal(Reference.Value.EncodeToIds(text), got);
    }

    [Fact]
    public void Runs_of_one_character_get_the_ids_of_the_reference_at_every_length_up_to_300()
    {
        foreach (var c in new[] { "a", "-", " ", "0", "中", "\n" })
        {
            for (var n = 1; n <= 300; n++)
            {
                var text = string.Concat(Enumerable.Repeat(c, n));
                var got = new List<int>();
                Model.Value.Encode(text, got);
                Assert.True(Reference.Value.EncodeToIds(text).SequenceEqual(got), $"'{c}' x {n}");
            }
        }
    }

    [Fact]
    public void Mixed_text_with_long_and_short_pre_tokens_and_lone_surrogates_gets_the_reference_ids()
    {
        var rnd = new Random(7);
        string[] pieces = ["Hello", " world", "\n\n", "  ", "1234", "!!", "\ud800", "x\udc00y", "e\u0301", new string('z', 300), new string('.', 150), " " + new string('q', 90)];
        for (var round = 0; round < 40; round++)
        {
            var text = string.Concat(Enumerable.Range(0, 30).Select(_ => pieces[rnd.Next(pieces.Length)]));
            var got = new List<int>();
            Model.Value.Encode(text, got);
            Assert.Equal(Reference.Value.EncodeToIds(text), got);
        }
    }

    [Fact]
    public void The_heap_merger_agrees_with_the_reference_on_every_pre_token_of_the_id_fixtures_and_of_random_short_words()
    {
        var merger = new BpeMerger(Folder.Value.Vocab, Folder.Value.Merges, "qwen3");
        var regex = new Regex(Folder.Value.Pattern, RegexOptions.CultureInvariant);
        var words = File.ReadLines(Path.Combine(TestPaths.Fixtures, "qwen3-token-ids.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!)
            .SelectMany(t => regex.Matches(t).Select(m => m.Value)).ToList();
        var rnd = new Random(11);
        const string letters = "etaoinshrdlucmfwypvbgkjqxz ETAOIN.,'-0123456789中文éü";
        for (var i = 0; i < 2000; i++) words.Add(new string(Enumerable.Range(0, rnd.Next(1, 24)).Select(_ => letters[rnd.Next(letters.Length)]).ToArray()));
        foreach (var w in words)
        {
            var got = new List<int>();
            merger.Encode(w, got);
            Assert.True(Reference.Value.EncodeToIds(w, considerPreTokenization: false, considerNormalization: false).SequenceEqual(got), $"«{w}»");
        }
    }

    [Fact]
    public void The_longest_qwen3_token_is_128_bytes()
    {
        // 128 spaces ("Ġ" x 128) is the longest entry of Qwen3's vocab.json (python: max(len(bytes)) over the vocabulary).
        Assert.Equal(128, Model.Value.MaxTokenBytes);
    }

    private static int Longest(string text) =>
        new Regex(Folder.Value.Pattern, RegexOptions.CultureInvariant).Matches(text).Max(m => m.Length);
}
