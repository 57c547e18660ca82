using InternS1.Text.Tokenization;

namespace InternS1.Text.Scientific;

/// <summary>
/// Intern-S1's dynamic tokenizer (transformers <c>InternS1Tokenizer.tokenize</c> + <c>convert_tokens_to_ids</c>,
/// the path without RDKit): explicit tags switch to the SMILES/IUPAC SentencePiece models, auto-detected SMILES
/// and FASTA runs are wrapped in id-less markers, <c>&lt;MOLFORMULA&gt;</c> spans are protected from detection,
/// sub-vocabulary ids are offset behind the Qwen vocabulary, and unknown pieces fall back to BPE.
/// </summary>
internal sealed class ScientificTokenizer
{
    private const string ProtectBegin = "<MOLFORMULA>", ProtectEnd = "</MOLFORMULA>";
    private readonly BpeModel _bpe;
    private readonly Dictionary<string, AddedToken> _added;
    private readonly Dictionary<string, SubTokenizer> _begin = new(StringComparer.Ordinal); // tags + auto markers
    private readonly Dictionary<string, SubTokenizer> _end = new(StringComparer.Ordinal);
    private readonly HashSet<string> _autoMarkers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _explicitBegin = new(StringComparer.Ordinal);
    private readonly HashSet<string> _explicitEnd = new(StringComparer.Ordinal);
    private readonly AutoDetector[] _detectors = [new SmilesDetector(), new FastaDetector()];
    private readonly SubTokenizer[] _subs;

    private sealed record SubTokenizer(string Name, SentencePieceEncoder Encoder, int Offset);

    /// <summary>A token of <c>tokenize()</c> output: its text, whether the splitter matched it as an added token, and
    /// whether it is an auto-detect marker (no id).</summary>
    internal readonly record struct Token(string Text, bool IsAddedToken, bool IsMarker = false);

    private ScientificTokenizer(BpeModel bpe, List<AddedToken> added, SubTokenizer[] subs)
    {
        _bpe = bpe;
        _subs = subs;
        AddedTokens = added;
        _added = added.ToDictionary(t => t.Content, StringComparer.Ordinal);
    }

    /// <summary>All added tokens: the folder's, with the scientific tags at their computed ids.</summary>
    public List<AddedToken> AddedTokens { get; }

    /// <summary>Tags content may contain under every policy (data markup, not control): the explicit sub-tokenizer
    /// tags and the <c>&lt;MOLFORMULA&gt;</c> protect markers.</summary>
    public IReadOnlyList<string> DataTags => [.. _explicitBegin, .. _explicitEnd, ProtectBegin, ProtectEnd];

    /// <summary>Strings split out like added tokens but without ids (protect and auto-detect markers).</summary>
    public IReadOnlyList<string> Markers => [ProtectBegin, ProtectEnd, .. _autoMarkers];

    public int MaxPieceId => _subs.Max(s => s.Offset + s.Encoder.Count - 1);

    /// <summary>
    /// Loads the three SentencePiece models and lays out ids as the reference does: SMILES pieces start after
    /// the BPE vocabulary and the run of added tokens that directly follows it (Qwen3's 26), then
    /// &lt;SMILES&gt; &lt;/SMILES&gt; &lt;SELFIES&gt; &lt;/SELFIES&gt;, the IUPAC pieces, &lt;IUPAC&gt; &lt;/IUPAC&gt;, then the FASTA pieces.
    /// </summary>
    public static ScientificTokenizer Load(string dir, BpeModel bpe, IReadOnlyList<AddedToken> folderAdded)
    {
        SentencePieceEncoder Sp(string name) => new(SentencePieceModel.Load(Path.Combine(dir, $"tokenizer_{name}.model")));
        var smiles = Sp("SMILES");
        var iupac = Sp("IUPAC");
        var fasta = Sp("FASTA");
        var byId = folderAdded.ToDictionary(t => t.Id);
        var next = bpe.Size;
        while (byId.ContainsKey(next)) next++; // the added tokens right after the vocabulary (Qwen3: 26)
        var smilesOffset = next;
        var iupacOffset = smilesOffset + smiles.Count + 4;
        var fastaOffset = iupacOffset + iupac.Count + 2;
        var tags = new (string Content, int Id)[]
        {
            ("<SMILES>", smilesOffset + smiles.Count), ("</SMILES>", smilesOffset + smiles.Count + 1),
            ("<SELFIES>", smilesOffset + smiles.Count + 2), ("</SELFIES>", smilesOffset + smiles.Count + 3),
            ("<IUPAC>", iupacOffset + iupac.Count), ("</IUPAC>", iupacOffset + iupac.Count + 1),
        };
        var added = folderAdded.ToList();
        var config = Path.Combine(dir, "tokenizer_config.json");
        foreach (var (content, id) in tags)
        {
            var existing = added.FirstOrDefault(t => t.Content == content);
            if (existing is not null && existing.Id != id)
                throw new TokenizerFilesException(
                    $"{config}: added token {content} has id {existing.Id}, but the SentencePiece model sizes " +
                    $"(SMILES {smiles.Count}, IUPAC {iupac.Count}, FASTA {fasta.Count}) place it at {id}");
            if (existing is null) added.Add(new AddedToken(content, id, Special: true));
        }
        var spEnd = fastaOffset + fasta.Count;
        foreach (var t in added)
        {
            var inPieces = (t.Id >= smilesOffset && t.Id < smilesOffset + smiles.Count) ||
                           (t.Id >= iupacOffset && t.Id < iupacOffset + iupac.Count) ||
                           (t.Id >= fastaOffset && t.Id < spEnd);
            if (inPieces)
                throw new TokenizerFilesException($"{config}: added token {t.Content} (id {t.Id}) collides with the SentencePiece id ranges " +
                    $"[{smilesOffset},{smilesOffset + smiles.Count}) [{iupacOffset},{iupacOffset + iupac.Count}) [{fastaOffset},{spEnd})");
        }
        var sSmiles = new SubTokenizer("SMILES", smiles, smilesOffset);
        var sIupac = new SubTokenizer("IUPAC", iupac, iupacOffset);
        var sFasta = new SubTokenizer("FASTA", fasta, fastaOffset);
        var tok = new ScientificTokenizer(bpe, added.OrderBy(t => t.Id).ToList(), [sSmiles, sIupac, sFasta]);
        foreach (var (b, e, s) in new[] { ("<SMILES>", "</SMILES>", sSmiles), ("<SELFIES>", "</SELFIES>", sSmiles), ("<IUPAC>", "</IUPAC>", sIupac) })
        {
            tok._begin[b] = s; tok._end[e] = s;
            tok._explicitBegin.Add(b); tok._explicitEnd.Add(e);
        }
        foreach (var (b, e, s) in new[] { ("<SMILES_AUTO_DETECT>", "</SMILES_AUTO_DETECT>", sSmiles), ("<FASTA_AUTO_DETECT>", "</FASTA_AUTO_DETECT>", sFasta) })
        {
            tok._begin[b] = s; tok._end[e] = s;
            tok._autoMarkers.Add(b); tok._autoMarkers.Add(e);
        }
        return tok;
    }

    public string? IdToPiece(int id)
    {
        foreach (var s in _subs)
            if (id >= s.Offset && id < s.Offset + s.Encoder.Count) return s.Encoder.IdToPiece(id - s.Offset);
        return null;
    }

    /// <summary>Decoding bytes of the pieces: <c>▁</c> -&gt; <c>Ġ</c>, newline -&gt; <c>Ċ</c>, then the byte-level map.</summary>
    public void FillPieceBytes(byte[]?[] table)
    {
        foreach (var s in _subs)
            for (var i = 0; i < s.Encoder.Count; i++)
                table[s.Offset + i] = ByteLevel.TokenBytes(s.Encoder.IdToPiece(i).Replace('\u2581', 'Ġ').Replace('\n', 'Ċ'));
    }

    /// <summary><c>tokenize()</c>: token strings, including the id-less auto-detect markers.</summary>
    public List<Token> Tokenize(List<TextSegment> segments)
    {
        // 1. Auto-detection on text outside explicit tags and protected spans.
        var pieces = new List<(string Text, bool Added, bool Marker)>();
        var notSplit = 0;
        foreach (var seg in segments)
        {
            var isProtect = seg.IsMarker && seg.Text is ProtectBegin or ProtectEnd;
            if (seg.Token is not null || isProtect)
            {
                pieces.Add((seg.Text, seg.Token is not null, false));
                if (_begin.ContainsKey(seg.Text) || seg.Text == ProtectBegin) notSplit++;
                else if (_end.ContainsKey(seg.Text) || seg.Text == ProtectEnd) notSplit = Math.Max(0, notSplit - 1);
            }
            else if (seg.IsMarker) pieces.Add((seg.Text, false, true)); // an auto-detect marker the splitter matched
            else if (notSplit > 0) pieces.Add((seg.Text, false, false));
            else
            {
                List<(string Text, bool IsMarker)> split = [(seg.Text, false)];
                foreach (var d in _detectors) split = d.ReSplit(split);
                pieces.AddRange(split.Select(p => (p.Text, false, p.IsMarker)));
            }
        }
        // 2. Tokenize with a stack of active sub-tokenizers.
        var tokens = new List<Token>();
        var stack = new Stack<SubTokenizer>();
        // NOTE: markers are known by their flag, not their text: escaped content may spell a marker as plain text.
        foreach (var (text, isAdded, isMarker) in pieces)
        {
            if (text.Length == 0) continue;
            if (!isAdded && text is ProtectBegin or ProtectEnd)
                tokens.AddRange(BpeTokens(text).Select(t => new Token(t, false)));
            else if (isAdded)
            {
                tokens.Add(new Token(text, true));
                if (_begin.TryGetValue(text, out var sub)) stack.Push(sub);
                else if (_end.ContainsKey(text) && stack.Count > 0) stack.Pop();
            }
            else if (isMarker)
            {
                tokens.Add(new Token(text, false, IsMarker: true));
                if (_begin.TryGetValue(text, out var sub)) stack.Push(sub);
                else if (stack.Count > 0) stack.Pop();
            }
            else if (stack.Count > 0)
            {
                foreach (var p in stack.Peek().Encoder.Encode(text))
                {
                    if (p.Id == 0) tokens.AddRange(BpeTokens(p.Piece).Select(t => new Token(t, false)));
                    else tokens.Add(new Token(p.Piece, false));
                }
            }
            else tokens.AddRange(BpeTokens(text).Select(t => new Token(t, false)));
        }
        return tokens;
    }

    /// <summary><c>tokenize()</c> followed by <c>convert_tokens_to_ids()</c>.</summary>
    /// <param name="segments">The splitter's output.</param>
    /// <param name="addedIdsFromSplitterOnly">Give added-token ids only to tokens the splitter matched (the reference
    /// also maps any other token spelled like an added token to its id; escaped content must not get them).</param>
    public List<int> Encode(List<TextSegment> segments, bool addedIdsFromSplitterOnly = false)
    {
        var ids = new List<int>();
        var stack = new Stack<SubTokenizer>();
        foreach (var token in Tokenize(segments))
        {
            var text = token.Text;
            if (!token.IsMarker) ids.Add(ConvertToId(text, token.IsAddedToken || !addedIdsFromSplitterOnly, stack));
            if (_begin.TryGetValue(text, out var sub) && (token.IsAddedToken || token.IsMarker)) stack.Push(sub);
            else if (_end.ContainsKey(text) && (token.IsAddedToken || token.IsMarker) && stack.Count > 0) stack.Pop();
        }
        return ids;
    }

    private int ConvertToId(string token, bool mayBeAdded, Stack<SubTokenizer> stack)
    {
        if (mayBeAdded && _added.TryGetValue(token, out var added)) return added.Id;
        if (stack.Count > 0)
        {
            var sub = stack.Peek();
            var id = sub.Encoder.PieceToId(token);
            if (id != sub.Encoder.UnknownId) return sub.Offset + id;
        }
        if (_bpe.Vocab.TryGetValue(token, out var bpeId)) return bpeId;
        // NOTE: the reference returns None here (encoder.get("<unk>") on a vocabulary without "<unk>").
        if (_added.TryGetValue(token, out added)) return added.Id;
        throw new InvalidOperationException($"token '{token}' has no id in the vocabulary");
    }

    private IEnumerable<string> BpeTokens(string text) => _bpe.Tokenize(text.Replace('\u2581', ' '));
}
