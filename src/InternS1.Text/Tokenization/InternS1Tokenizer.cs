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
    private readonly HashSet<string> _allowedInContent;

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
        MaxTokenBytes = _bytes.Max(b => b?.Length ?? 0);
        _allowedInContent = new HashSet<string>(_scientific?.DataTags ?? [], StringComparer.Ordinal);
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

    /// <summary>
    /// Encodes a rendered prompt so that added and special tokens are matched only in its template text (see
    /// <see cref="SpecialTokenPolicy"/>). With no content spans, or with <see cref="SpecialTokenPolicy.Allow"/>, the ids
    /// equal <see cref="Encode(string)"/> of the text; with <see cref="SpecialTokenPolicy.Escape"/> the text of a token
    /// inside content is encoded as ordinary text (byte-level BPE, the scientific rules as for any text), so a prompt
    /// whose content holds no token text gets exactly the ids of <see cref="Encode(string)"/>.
    /// </summary>
    /// <exception cref="SpecialTokenInContentException">Reject policy, and content holds a token's text.</exception>
    public IReadOnlyList<int> Encode(SegmentedText prompt, SpecialTokenPolicy policy = SpecialTokenPolicy.Escape)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (policy == SpecialTokenPolicy.Allow || prompt.ContentSpans.Count == 0) return Encode(prompt.Text);
        var normalized = SegmentedNormalizer.Normalize(prompt);
        var guard = new ContentTokenGuard(normalized.Spans, policy, _allowedInContent);
        var segments = _splitter.Split(normalized.Text, guard.Accept);
        // NOTE: a piece of escaped text can be spelled like an added token ("<img>" as one BPE piece); it keeps its
        // vocabulary id, so only tokens the splitter matched get added-token ids.
        if (_scientific is not null) return _scientific.Encode(segments, addedIdsFromSplitterOnly: true);
        var ids = new List<int>(normalized.Text.Length / 3 + 4);
        foreach (var s in segments)
        {
            if (s.Token is { } t) ids.Add(t.Id);
            else _bpe.Encode(s.Text, ids);
        }
        return ids;
    }

    /// <summary>
    /// A lower bound on the number of ids <see cref="Encode(SegmentedText, SpecialTokenPolicy)"/> gives for
    /// <paramref name="text"/> under the escape or reject policy, in one pass over the characters: a prompt whose bound
    /// exceeds the model's context is certainly too long, without tokenizing it.
    /// <para>Derivation: count the UTF-16 units of letters, digits, punctuation and symbols (categories L, N, P, S).
    /// Normalisation never deletes them (NFC composes at most into one character of at least one UTF-8 byte per two
    /// such units — a supplementary math letter can become one ASCII byte under the SentencePiece models' NFKC — and
    /// whitespace, controls, format characters and marks, which stripping, whitespace collapsing or a character map can
    /// remove, are not counted). Every such byte ends up inside exactly one id, and no id stands for more than
    /// <see cref="MaxTokenBytes"/> bytes. So ids ≥ counted units / (2 × MaxTokenBytes). Not valid under
    /// <see cref="SpecialTokenPolicy.Allow"/>: content may then spell the scientific auto-detect markers, which get
    /// no ids. For Qwen3's vocabulary (128 bytes) this is one id per 256 counted units: a coarse cap against
    /// multi-megabyte prompts; tokenization itself is near-linear for whatever passes it.</para>
    /// </summary>
    public long MinimumTokenCount(ReadOnlySpan<char> text)
    {
        long units = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80)
            {
                if (c > ' ' && c < 0x7F) units++; // printable ASCII other than space: L, N, P or S
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (IsCounted(System.Globalization.CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[i + 1])))) units += 2;
                i++;
            }
            else if (IsCounted(char.GetUnicodeCategory(c))) units++;
        }
        var perToken = 2L * Math.Max(1, MaxTokenBytes);
        return (units + perToken - 1) / perToken;
    }

    /// <summary>UTF-8 bytes of the longest text one id stands for (vocabulary tokens, sub-tokenizer pieces, added
    /// tokens); Qwen3: 128 (a run of spaces).</summary>
    public int MaxTokenBytes { get; }

    /// <summary>Added-token texts that content may contain under every policy: the scientific tags and
    /// <c>&lt;MOLFORMULA&gt;</c> markers, which are data markup, not control.</summary>
    public IReadOnlyCollection<string> AllowedInContent => _allowedInContent;

    private static bool IsCounted(System.Globalization.UnicodeCategory category) => category switch
    {
        System.Globalization.UnicodeCategory.UppercaseLetter or System.Globalization.UnicodeCategory.LowercaseLetter
            or System.Globalization.UnicodeCategory.TitlecaseLetter or System.Globalization.UnicodeCategory.ModifierLetter
            or System.Globalization.UnicodeCategory.OtherLetter or System.Globalization.UnicodeCategory.DecimalDigitNumber
            or System.Globalization.UnicodeCategory.LetterNumber or System.Globalization.UnicodeCategory.OtherNumber
            or System.Globalization.UnicodeCategory.ConnectorPunctuation or System.Globalization.UnicodeCategory.DashPunctuation
            or System.Globalization.UnicodeCategory.OpenPunctuation or System.Globalization.UnicodeCategory.ClosePunctuation
            or System.Globalization.UnicodeCategory.InitialQuotePunctuation or System.Globalization.UnicodeCategory.FinalQuotePunctuation
            or System.Globalization.UnicodeCategory.OtherPunctuation or System.Globalization.UnicodeCategory.MathSymbol
            or System.Globalization.UnicodeCategory.CurrencySymbol or System.Globalization.UnicodeCategory.ModifierSymbol
            or System.Globalization.UnicodeCategory.OtherSymbol => true,
        _ => false,
    };

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
