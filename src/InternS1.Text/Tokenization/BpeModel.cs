using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace InternS1.Text.Tokenization;

/// <summary>The byte-level BPE part (vocab + merges + pre-tokenizer regex) on Microsoft.ML.Tokenizers.
/// Input must already be NFC-normalised and free of added tokens.</summary>
internal sealed class BpeModel
{
    private readonly BpeTokenizer _bpe;
    private readonly string[] _idToToken;

    public BpeModel(TokenizerFolder folder)
    {
        Vocab = folder.Vocab;
        var regex = new Regex(folder.Pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        _bpe = BpeTokenizer.Create(new BpeOptions(folder.Vocab)
        {
            Merges = folder.Merges,
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(regex, null),
        });
        var max = folder.Vocab.Count == 0 ? -1 : folder.Vocab.Values.Max();
        _idToToken = new string[max + 1];
        foreach (var (token, id) in folder.Vocab)
        {
            if (id < 0) throw new TokenizerFilesException($"{folder.Directory}: vocabulary token '{token}' has negative id {id}");
            _idToToken[id] = token;
        }
    }

    public IReadOnlyDictionary<string, int> Vocab { get; }

    /// <summary>Number of ids the BPE vocabulary spans (highest id + 1).</summary>
    public int Size => _idToToken.Length;

    public void Encode(string text, List<int> output) => output.AddRange(_bpe.EncodeToIds(text));

    /// <summary>Token strings (byte-level alphabet) of <paramref name="text"/>, as the slow tokenizer's <c>_bpe_tokenize</c>.</summary>
    public IEnumerable<string> Tokenize(string text)
    {
        foreach (var id in _bpe.EncodeToIds(text)) yield return _idToToken[id];
    }

    public string? IdToToken(int id) => id >= 0 && id < _idToToken.Length ? _idToToken[id] : null;
}
