using System.Text;

namespace InternS1.Text.Tokenization;

/// <summary>Streaming detokenizer: feed output ids one at a time, get back the text they complete.
/// Never emits half a UTF-8 character: bytes of an incomplete character are held until the character is
/// complete (or proven invalid, which then decodes to U+FFFD exactly as the full decode does).
/// The concatenation of all returned strings plus <see cref="Flush"/> equals
/// <see cref="InternS1Tokenizer.Decode(IEnumerable{int}, bool)"/> of the same ids.</summary>
public sealed class IncrementalDecoder
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private readonly InternS1Tokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly List<byte> _pending = new();

    internal IncrementalDecoder(InternS1Tokenizer tokenizer, bool skipSpecialTokens)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>Adds one id; returns the newly completed text (possibly empty).</summary>
    public string Append(int id)
    {
        _pending.AddRange(_tokenizer.TokenBytes(id, _skipSpecialTokens));
        var complete = CompletePrefixLength(_pending);
        if (complete == 0) return string.Empty;
        var text = Utf8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending)[..complete]);
        _pending.RemoveRange(0, complete);
        return text;
    }

    /// <summary>Adds several ids; returns the newly completed text.</summary>
    public string Append(IEnumerable<int> ids)
    {
        var sb = new StringBuilder();
        foreach (var id in ids) sb.Append(Append(id));
        return sb.ToString();
    }

    /// <summary>Returns what is still held back (an unfinished character decodes to U+FFFD) and resets.</summary>
    public string Flush()
    {
        var text = Utf8.GetString(_pending.ToArray());
        _pending.Clear();
        return text;
    }

    /// <summary>Length of the prefix that can be decoded now: everything except a trailing, still
    /// completable UTF-8 sequence (a lead byte followed by fewer continuation bytes than it needs).</summary>
    internal static int CompletePrefixLength(IReadOnlyList<byte> bytes)
    {
        var n = bytes.Count;
        for (var back = 1; back <= Math.Min(3, n); back++)
        {
            var b = bytes[n - back];
            if ((b & 0xC0) == 0x80) continue; // continuation byte: keep looking for the lead
            var need = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
            if (need == 0 || back >= need) return n; // ASCII, invalid lead, or already complete
            // The second byte of E0/ED/F0/F4 sequences has a narrower range; if it is out of range the
            // sequence can never complete, so it is decoded (to U+FFFD) now.
            if (back >= 2)
            {
                var second = bytes[n - back + 1];
                var (lo, hi) = b switch { 0xE0 => (0xA0, 0xBF), 0xED => (0x80, 0x9F), 0xF0 => (0x90, 0xBF), 0xF4 => (0x80, 0x8F), _ => (0x80, 0xBF) };
                if (second < lo || second > hi) return n;
            }
            return n - back;
        }
        return n;
    }
}
