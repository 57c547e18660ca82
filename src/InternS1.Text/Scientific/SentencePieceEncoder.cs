using System.Text;

namespace InternS1.Text.Scientific;

/// <summary>One encoded piece: the normalised surface (or the vocabulary piece) and its id in the sub-vocabulary.</summary>
public readonly record struct EncodedPiece(string Piece, int Id);

/// <summary>
/// Encodes text with a <see cref="SentencePieceModel"/> as the sentencepiece library does
/// (<c>SentencePieceProcessor::Encode</c>): normalise, then the unigram Viterbi path (unigram_model.cc,
/// optimised encoder) or score-ordered pair merges (bpe_model.cc); unknown characters get the unknown id
/// (runs merged for unigram) or bytes when byte_fallback is on.
/// </summary>
public sealed class SentencePieceEncoder
{
    private const float UnkPenalty = 10.0f;
    private const float FltMin = 1.17549435E-38f;
    private readonly SentencePieceModel _model;
    private readonly SentencePieceNormalizer _normalizer;
    private readonly Dictionary<string, int> _pieces = new(StringComparer.Ordinal);   // normal, user-defined, unused
    private readonly Dictionary<string, int> _reserved = new(StringComparer.Ordinal); // control, unknown, byte
    private readonly string[] _userDefined;
    private readonly int _maxPieceChars;
    private readonly float _minScore = float.MaxValue;
    private readonly float _maxScore = FltMin;

    public SentencePieceEncoder(SentencePieceModel model)
    {
        _model = model;
        if (model.ModelType is not (SentencePieceModelType.Unigram or SentencePieceModelType.Bpe))
            throw new NotSupportedException($"SentencePiece model type {model.ModelType} is not supported (only UNIGRAM and BPE)");
        for (var id = 0; id < model.Pieces.Count; id++)
        {
            var p = model.Pieces[id];
            var normal = p.Type is SentencePieceType.Normal or SentencePieceType.UserDefined or SentencePieceType.Unused;
            if (!(normal ? _pieces : _reserved).TryAdd(p.Piece, id))
                throw new InvalidDataException($"SentencePiece piece '{p.Piece}' (id {id}) is defined twice");
            if (p.Type == SentencePieceType.Unknown) UnknownId = id;
            if (p.Type == SentencePieceType.Normal)
            {
                _minScore = Math.Min(_minScore, p.Score);
                _maxScore = Math.Max(_maxScore, p.Score);
            }
            _maxPieceChars = Math.Max(_maxPieceChars, p.Piece.Length);
        }
        _userDefined = model.Pieces.Where(p => p.Type == SentencePieceType.UserDefined).Select(p => p.Piece)
            .Where(p => p.Length > 0).OrderByDescending(p => p.Length).ToArray();
        _normalizer = new SentencePieceNormalizer(model, _userDefined);
    }

    /// <summary>Id of the unknown piece.</summary>
    public int UnknownId { get; }

    /// <summary>Number of pieces (ids 0 .. Count-1).</summary>
    public int Count => _model.Pieces.Count;

    /// <summary>The piece string of an id.</summary>
    public string IdToPiece(int id) => _model.Pieces[id].Piece;

    /// <summary><c>piece_to_id</c>: reserved pieces first, then normal pieces, else the unknown id.</summary>
    public int PieceToId(string piece) =>
        _reserved.TryGetValue(piece, out var id) ? id : _pieces.TryGetValue(piece, out id) ? id : UnknownId;

    /// <summary>Encodes <paramref name="text"/> to pieces (the Python <c>encode(out_type=str)</c> and <c>out_type=int</c> pair).</summary>
    public IReadOnlyList<EncodedPiece> Encode(string text)
    {
        var normalized = _normalizer.Normalize(text);
        if (normalized.Length == 0) return [];
        var raw = _model.ModelType == SentencePieceModelType.Unigram ? EncodeUnigram(normalized) : EncodeBpe(normalized);
        if (!_model.ByteFallback) return raw;
        var output = new List<EncodedPiece>(raw.Count);
        foreach (var p in raw)
        {
            if (p.Id != UnknownId) { output.Add(p); continue; }
            foreach (var b in Encoding.UTF8.GetBytes(p.Piece))
            {
                var bytePiece = $"<0x{b:X2}>";
                output.Add(new EncodedPiece(bytePiece, PieceToId(bytePiece)));
            }
        }
        return output;
    }

    private List<EncodedPiece> EncodeUnigram(string s)
    {
        var n = s.Length;
        var bestScore = new float[n + 1];
        var startsAt = new int[n + 1];
        var bestId = new int[n + 1];
        Array.Fill(startsAt, -1);
        var unkScore = _minScore - UnkPenalty;
        var pos = 0;
        while (pos < n)
        {
            var charLen = char.IsHighSurrogate(s[pos]) && pos + 1 < n ? 2 : 1;
            var tillHere = bestScore[pos];
            var hasSingle = false;
            for (var len = 1; len <= Math.Min(_maxPieceChars, n - pos); len++)
            {
                if (!_pieces.TryGetValue(s.Substring(pos, len), out var id)) continue;
                var piece = _model.Pieces[id];
                if (piece.Type == SentencePieceType.Unused) continue;
                // NOTE: mirrors the C++ types: a user-defined symbol scores (bytes * max_score - 0.1) in double.
                double score = piece.Type == SentencePieceType.UserDefined
                    ? Encoding.UTF8.GetByteCount(piece.Piece) * _maxScore - 0.1
                    : piece.Score;
                var candidate = score + tillHere;
                var end = pos + len;
                if (startsAt[end] == -1 || candidate > bestScore[end])
                {
                    bestScore[end] = (float)candidate;
                    startsAt[end] = pos;
                    bestId[end] = id;
                }
                if (len == charLen) hasSingle = true;
            }
            if (!hasSingle)
            {
                var end = pos + charLen;
                double candidate = (double)unkScore + tillHere;
                if (startsAt[end] == -1 || candidate > bestScore[end])
                {
                    bestScore[end] = (float)candidate;
                    startsAt[end] = pos;
                    bestId[end] = UnknownId;
                }
            }
            pos += charLen;
        }
        var reversed = new List<EncodedPiece>();
        for (var end = n; end > 0; end = startsAt[end])
            reversed.Add(new EncodedPiece(s[startsAt[end]..end], bestId[end]));
        reversed.Reverse();
        return MergeUnknownRuns(reversed);
    }

    /// <summary>Runs of unknown pieces become one unknown piece (as the sentencepiece library returns them).</summary>
    private List<EncodedPiece> MergeUnknownRuns(List<EncodedPiece> pieces)
    {
        var merged = new List<EncodedPiece>(pieces.Count);
        foreach (var p in pieces)
        {
            if (p.Id == UnknownId && merged.Count > 0 && merged[^1].Id == UnknownId)
                merged[^1] = new EncodedPiece(merged[^1].Piece + p.Piece, UnknownId);
            else merged.Add(p);
        }
        return merged;
    }

    private List<EncodedPiece> EncodeBpe(string s)
    {
        // Symbols: user-defined symbols are frozen; everything else starts as single characters.
        var symbols = new List<(string Piece, int Prev, int Next, bool Freeze)>();
        var pos = 0;
        while (pos < s.Length)
        {
            var len = char.IsHighSurrogate(s[pos]) && pos + 1 < s.Length ? 2 : 1;
            var freeze = false;
            foreach (var u in _userDefined)
            {
                if (pos + u.Length <= s.Length && string.CompareOrdinal(s, pos, u, 0, u.Length) == 0) { len = u.Length; freeze = true; break; }
            }
            var index = symbols.Count;
            symbols.Add((s.Substring(pos, len), index - 1, pos + len < s.Length ? index + 1 : -1, freeze));
            pos += len;
        }
        // Agenda: highest score first, then leftmost.
        var agenda = new PriorityQueue<(int Left, int Right, int Size), (float Score, int Left)>(
            Comparer<(float Score, int Left)>.Create((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Left.CompareTo(b.Left)));
        void MaybeAdd(int left, int right)
        {
            if (left == -1 || right == -1 || symbols[left].Freeze || symbols[right].Freeze) return;
            var merged = symbols[left].Piece + symbols[right].Piece;
            if (!_pieces.TryGetValue(merged, out var id)) return;
            agenda.Enqueue((left, right, merged.Length), (_model.Pieces[id].Score, left));
        }
        for (var i = 1; i < symbols.Count; i++) MaybeAdd(i - 1, i);
        while (agenda.TryDequeue(out var top, out _))
        {
            var l = symbols[top.Left];
            var r = symbols[top.Right];
            if (l.Piece.Length == 0 || r.Piece.Length == 0 || l.Piece.Length + r.Piece.Length != top.Size) continue;
            symbols[top.Left] = (l.Piece + r.Piece, l.Prev, r.Next, l.Freeze);
            if (r.Next >= 0) symbols[r.Next] = symbols[r.Next] with { Prev = top.Left };
            symbols[top.Right] = (string.Empty, r.Prev, r.Next, r.Freeze);
            MaybeAdd(symbols[top.Left].Prev, top.Left);
            MaybeAdd(top.Left, symbols[top.Left].Next);
        }
        var output = new List<EncodedPiece>();
        for (var i = 0; i != -1 && symbols.Count > 0; i = symbols[i].Next)
            output.Add(new EncodedPiece(symbols[i].Piece, PieceToId(symbols[i].Piece)));
        return MergeUnknownRuns(output);
    }
}
