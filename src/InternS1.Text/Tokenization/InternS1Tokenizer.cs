using System.Text;
using InternS1.Text.Normalization;
using InternS1.Text.Scientific;

namespace InternS1.Text.Tokenization;

/// <summary>
/// Intern-S1's tokenizer, loaded from a Hugging Face model folder: Qwen byte-level BPE (NFC, Qwen split regex,
/// merges) on Microsoft.ML.Tokenizers, added/special tokens matched whole with ids read from the folder, and —
/// when the folder has <c>tokenizer_SMILES/IUPAC/FASTA.model</c> — Intern-S1's scientific dynamic tokenizer
/// (mirrors <c>InternS1Tokenizer</c> of transformers, the no-RDKit path). Thread-safe after loading.
/// </summary>
public sealed class InternS1Tokenizer
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false, false);
    private readonly BpeModel _bpe;
    private readonly AddedTokenSplitter _splitter;
    private readonly Dictionary<string, AddedToken> _addedByContent;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly HashSet<int> _specialIds;
    private readonly ScientificTokenizer? _scientific;
    private readonly byte[]?[] _bytes;

    private InternS1Tokenizer(TokenizerFolder folder)
    {
        _bpe = new BpeModel(folder);
        var added = folder.AddedTokens;
        if (TokenizerFolder.HasScientificModels(folder.Directory))
        {
            _scientific = ScientificTokenizer.Load(folder.Directory, _bpe, added);
            added = _scientific.AddedTokens;
        }
        _addedByContent = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        _addedById = new Dictionary<int, AddedToken>();
        foreach (var t in added)
        {
            _addedByContent[t.Content] = t;
            _addedById[t.Id] = t;
        }
        AddedTokens = added.OrderBy(t => t.Id).ToList();
        _specialIds = AddedTokens.Where(t => t.Special || folder.SpecialTokenStrings.Contains(t.Content)).Select(t => t.Id).ToHashSet();
        _splitter = new AddedTokenSplitter(AddedTokens, _scientific?.Markers ?? []);
        SpecialTokens = folder.SpecialTokenRoles;
        ExtraSpecialTokens = folder.ExtraSpecialTokens;

        var size = Math.Max(_bpe.Size, AddedTokens.Count == 0 ? 0 : AddedTokens[^1].Id + 1);
        if (_scientific is not null) size = Math.Max(size, _scientific.MaxPieceId + 1);
        VocabularySize = size;
        _bytes = new byte[]?[size];
        for (var id = 0; id < _bpe.Size; id++)
            if (_bpe.IdToToken(id) is { } token) _bytes[id] = ByteLevel.TokenBytes(token);
        _scientific?.FillPieceBytes(_bytes);
        foreach (var t in AddedTokens) _bytes[t.Id] = Utf8.GetBytes(t.Content);
    }

    /// <summary>Loads the tokenizer of the model folder <paramref name="modelDirectory"/>.</summary>
    /// <exception cref="TokenizerFilesException">A file is missing or malformed (the message names it).</exception>
    public static InternS1Tokenizer Load(string modelDirectory) => new(TokenizerFolder.Read(modelDirectory));

    /// <summary>Added tokens (special and not), ordered by id.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>Role -> token text from the folder (<c>eos_token</c>, <c>bos_token</c>, <c>pad_token</c>, ...).</summary>
    public IReadOnlyDictionary<string, string> SpecialTokens { get; }

    /// <summary><c>extra_special_tokens</c> of tokenizer_config.json (e.g. <c>context_image_token</c> -&gt; <c>&lt;IMG_CONTEXT&gt;</c>).</summary>
    public IReadOnlyDictionary<string, string> ExtraSpecialTokens { get; }

    /// <summary>Highest id any token of this tokenizer can have, plus one (the model's embedding may be larger).</summary>
    public int VocabularySize { get; }

    /// <summary>True when the scientific sub-tokenizers (SMILES/IUPAC/FASTA) are active.</summary>
    public bool HasScientificTokenizer => _scientific is not null;

    /// <summary>Id of the <c>eos_token</c> of tokenizer_config.json, if any.</summary>
    public int? EosTokenId => SpecialTokens.TryGetValue("eos_token", out var t) ? TokenToId(t) : null;

    /// <summary>Encodes text to ids (NFC first; no BOS/EOS added; added tokens in the text map to their ids).</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = _splitter.Split(Nfc.Normalize(text));
        if (_scientific is not null) return _scientific.Encode(segments);
        var ids = new List<int>(text.Length / 3 + 4);
        foreach (var s in segments)
        {
            if (s.Token is { } t) ids.Add(t.Id);
            else _bpe.Encode(s.Text, ids);
        }
        return ids;
    }

    /// <summary>Token strings as the reference <c>tokenize()</c> returns them (including the scientific
    /// auto-detect markers, which get no ids). For tests and diagnostics.</summary>
    internal IReadOnlyList<string> Tokenize(string text)
    {
        var segments = _splitter.Split(Nfc.Normalize(text));
        if (_scientific is not null) return _scientific.Tokenize(segments).Select(t => t.Text).ToList();
        var tokens = new List<string>();
        foreach (var s in segments)
        {
            if (s.Token is { } t) tokens.Add(t.Content);
            else tokens.AddRange(_bpe.Tokenize(s.Text));
        }
        return tokens;
    }

    /// <summary>Decodes ids to text. Invalid UTF-8 becomes U+FFFD (as the reference's <c>errors="replace"</c>);
    /// ids no token has (padding rows of the embedding) decode to nothing.</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var buffer = new List<byte>();
        foreach (var id in ids) buffer.AddRange(TokenBytes(id, skipSpecialTokens));
        return Utf8.GetString(buffer.ToArray());
    }

    /// <summary>A streaming decoder over this tokenizer.</summary>
    public IncrementalDecoder CreateIncrementalDecoder(bool skipSpecialTokens = false) => new(this, skipSpecialTokens);

    /// <summary>Id of a token string (added token or vocabulary entry), or null.</summary>
    public int? TokenToId(string token)
    {
        if (_addedByContent.TryGetValue(token, out var t)) return t.Id;
        return _bpe.Vocab.TryGetValue(token, out var id) ? id : null;
    }

    /// <summary>Token string of an id (added token content, vocabulary entry, or scientific piece), or null.</summary>
    public string? IdToToken(int id) =>
        _addedById.TryGetValue(id, out var t) ? t.Content : _bpe.IdToToken(id) ?? _scientific?.IdToPiece(id);

    /// <summary>Whether <paramref name="id"/> is a special token (removed when decoding with skipSpecialTokens).</summary>
    public bool IsSpecial(int id) => _specialIds.Contains(id);

    internal ReadOnlySpan<byte> TokenBytes(int id, bool skipSpecialTokens)
    {
        if ((uint)id >= (uint)_bytes.Length) return default;
        if (skipSpecialTokens && _specialIds.Contains(id)) return default;
        return _bytes[id];
    }
}
