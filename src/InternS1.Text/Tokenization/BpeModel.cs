using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace InternS1.Text.Tokenization;

/// <summary>The byte-level BPE part (vocab + merges + pre-tokenizer regex). Input must already be NFC-normalised and
/// free of added tokens. Pre-tokens up to <see cref="LongPreTokenChars"/> characters are merged by
/// Microsoft.ML.Tokenizers (with its word cache); longer ones by <see cref="BpeMerger"/>, which gives the same ids in
/// O(n log n) instead of O(n²), so a hostile megabyte without spaces costs about a second, not hours.</summary>
internal sealed class BpeModel
{
    /// <summary>Pre-tokens longer than this go to <see cref="BpeMerger"/>.</summary>
    // NOTE: below this length the reference's quadratic compaction is cheaper than a heap (measured: 64-char words).
    public const int LongPreTokenChars = 64;

    private readonly BpeTokenizer _bpe;
    private readonly BpeMerger _merger;
    private readonly Regex _preTokenizer;
    private readonly string[] _idToToken;

    public BpeModel(TokenizerFolder folder)
    {
        Vocab = folder.Vocab;
        _preTokenizer = new Regex(folder.Pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        // NOTE: Encode pre-tokenizes long texts itself (the same regex, the same matches as RegexPreTokenizer) and
        // hands each pre-token over whole (considerPreTokenization: false); short texts use the options' regex.
        _bpe = BpeTokenizer.Create(new BpeOptions(folder.Vocab)
        {
            Merges = folder.Merges,
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(_preTokenizer, null),
        });
        _merger = new BpeMerger(folder.Vocab, folder.Merges, folder.Directory);
        var max = folder.Vocab.Count == 0 ? -1 : folder.Vocab.Values.Max();
        _idToToken = new string[max + 1];
        foreach (var (token, id) in folder.Vocab)
        {
            if (id < 0) throw new TokenizerFilesException($"{folder.Directory}: vocabulary token '{token}' has negative id {id}");
            _idToToken[id] = token;
        }
        MaxTokenBytes = _idToToken.Where(t => t is not null).Select(t => ByteLevel.TokenBytes(t).Length).DefaultIfEmpty(0).Max();
    }

    public IReadOnlyDictionary<string, int> Vocab { get; }

    /// <summary>Number of ids the BPE vocabulary spans (highest id + 1).</summary>
    public int Size => _idToToken.Length;

    /// <summary>UTF-8 bytes of the longest vocabulary token (Qwen3: 128).</summary>
    public int MaxTokenBytes { get; }

    public void Encode(string text, List<int> output)
    {
        if (text.Length <= LongPreTokenChars)
        {
            output.AddRange(_bpe.EncodeToIds(text));
            return;
        }
        foreach (var m in _preTokenizer.EnumerateMatches(text))
        {
            var preToken = text.AsSpan(m.Index, m.Length);
            if (m.Length > LongPreTokenChars) _merger.Encode(preToken, output);
            else output.AddRange(_bpe.EncodeToIds(preToken, considerPreTokenization: false, considerNormalization: false));
        }
    }

    /// <summary>Token strings (byte-level alphabet) of <paramref name="text"/>, as the slow tokenizer's <c>_bpe_tokenize</c>.</summary>
    public IEnumerable<string> Tokenize(string text)
    {
        var ids = new List<int>();
        Encode(text, ids);
        return ids.Select(id => _idToToken[id]);
    }

    public string? IdToToken(int id) => id >= 0 && id < _idToToken.Length ? _idToToken[id] : null;
}
