using System.Text;
using InternS1.Text.Normalization;

namespace InternS1.Text.Tests.Tokenization;

public class RoundTripTests
{
    private static readonly string[] Fragments =
    [
        "a", "Z", " ", "  ", "\n", "\r\n", "\t", "the", " quick", "123", "4.5", "'s", "DON'T", "!?", "()", "{}", "<", "|>",
        "中", "文", "書生", "日本語", "ã", "e\u0301", "\u0308", "한", "\u1100\u1161", "😀", "👨‍👩‍👧", "🇯🇵", "\u200d", "\u00a0",
        "<|im_start|>", "<|im_end|>", "<think>", "</think>", "<|endoftext|>", "∑", "€", "\ud83e\udd17", "   \n\n  ",
    ];

    public static IEnumerable<object[]> Corpus()
    {
        var rnd = new Random(20250301);
        for (var i = 0; i < 60; i++)
        {
            var sb = new StringBuilder();
            var n = rnd.Next(1, 40);
            for (var j = 0; j < n; j++) sb.Append(Fragments[rnd.Next(Fragments.Length)]);
            yield return [sb.ToString()];
        }
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Decode_of_encode_is_the_nfc_text_and_streaming_decode_equals_full_decode(string text)
    {
        var t = SharedTokenizers.Qwen3;
        var ids = t.Encode(text);
        var full = t.Decode(ids);
        Assert.Equal(Nfc.Normalize(text), full);
        foreach (var skip in new[] { false, true })
        {
            var decoder = t.CreateIncrementalDecoder(skip);
            var sb = new StringBuilder();
            foreach (var id in ids)
            {
                var chunk = decoder.Append(id);
                Assert.DoesNotContain('\uFFFD', chunk);
                Assert.False(chunk.Length > 0 && char.IsHighSurrogate(chunk[^1]), "a chunk ends inside a surrogate pair");
                sb.Append(chunk);
            }
            sb.Append(decoder.Flush());
            Assert.Equal(t.Decode(ids, skip), sb.ToString());
        }
    }

    [Fact]
    public void Streaming_holds_back_an_incomplete_character_and_decodes_invalid_bytes_like_the_full_decode()
    {
        var t = SharedTokenizers.Qwen3;
        // "😀" is 4 bytes; byte-level tokens for single bytes exist in the vocabulary.
        var byteIds = Encoding.UTF8.GetBytes("😀").Select(b => t.TokenToId(ByteChar(b))!.Value).ToArray();
        var d = t.CreateIncrementalDecoder();
        Assert.Equal("", d.Append(byteIds[0]));
        Assert.Equal("", d.Append(byteIds[1]));
        Assert.Equal("", d.Append(byteIds[2]));
        Assert.Equal("😀", d.Append(byteIds[3]));
        // A truncated sequence followed by ASCII: one U+FFFD, as Python's errors="replace".
        var broken = new[] { byteIds[0], byteIds[1], t.TokenToId("a")!.Value };
        Assert.Equal("\uFFFDa", t.Decode(broken));
        var d2 = t.CreateIncrementalDecoder();
        Assert.Equal("\uFFFDa", string.Concat(broken.Select(d2.Append)) + d2.Flush());
        var d3 = t.CreateIncrementalDecoder();
        d3.Append(byteIds[0]);
        Assert.Equal("\uFFFD", d3.Flush());
    }

    private static string ByteChar(byte b)
    {
        // GPT-2 byte-to-unicode: printable bytes map to themselves, the rest to 256 + n in order.
        var n = 0;
        for (var x = 0; x < 256; x++)
        {
            var printable = (x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF);
            if (x == b) return printable ? ((char)x).ToString() : ((char)(256 + n)).ToString();
            if (!printable) n++;
        }
        throw new InvalidOperationException();
    }
}
