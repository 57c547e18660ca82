using System.Text;

namespace InternS1.Text.Scientific;

/// <summary>SentencePiece's normaliser (sentencepiece <c>normalizer.cc</c>): user-defined symbols kept whole,
/// the precompiled character map (a Darts double-array trie over UTF-8, longest match), removal of extra
/// whitespace, the dummy-prefix <c>▁</c>, and whitespace escaped as <c>▁</c>.</summary>
internal sealed class SentencePieceNormalizer
{
    public const char SpaceSymbol = '\u2581';
    private readonly SentencePieceModel _model;
    private readonly string[] _userDefined; // longest first
    private readonly uint[]? _trie;
    private readonly byte[]? _normalized;

    public SentencePieceNormalizer(SentencePieceModel model, IEnumerable<string> userDefinedSymbols)
    {
        _model = model;
        _userDefined = userDefinedSymbols.Where(s => s.Length > 0).OrderByDescending(s => s.Length).ToArray();
        if (model.PrecompiledCharsmap is { } blob)
        {
            if (blob.Length < 4) throw new InvalidDataException("precompiled_charsmap is shorter than its 4-byte header");
            var trieSize = BitConverter.ToUInt32(blob, 0);
            if (trieSize % 4 != 0 || 4 + trieSize > blob.Length) throw new InvalidDataException("precompiled_charsmap has an invalid trie size");
            _trie = new uint[trieSize / 4];
            Buffer.BlockCopy(blob, 4, _trie, 0, (int)trieSize);
            _normalized = blob[(int)(4 + trieSize)..];
        }
    }

    public string Normalize(string input)
    {
        var sb = new StringBuilder(input.Length + 1);
        var pos = 0;
        if (_model.RemoveExtraWhitespaces)
        {
            while (pos < input.Length)
            {
                var (piece, consumed) = NormalizePrefix(input, pos);
                if (piece != " ") break;
                pos += consumed;
            }
        }
        if (pos >= input.Length) return string.Empty;
        var space = _model.EscapeWhitespaces ? SpaceSymbol.ToString() : " ";
        if (!_model.TreatWhitespaceAsSuffix && _model.AddDummyPrefix) sb.Append(space);
        var isPrevSpace = _model.RemoveExtraWhitespaces;
        while (pos < input.Length)
        {
            var (piece, consumed) = NormalizePrefix(input, pos);
            var start = 0;
            while (isPrevSpace && start < piece.Length && piece[start] == ' ') start++;
            if (start < piece.Length)
            {
                for (var i = start; i < piece.Length; i++)
                {
                    if (_model.EscapeWhitespaces && piece[i] == ' ') sb.Append(SpaceSymbol);
                    else sb.Append(piece[i]);
                }
                isPrevSpace = piece[^1] == ' ';
            }
            pos += consumed;
            if (!_model.RemoveExtraWhitespaces) isPrevSpace = false;
        }
        if (_model.RemoveExtraWhitespaces)
        {
            while (sb.Length > 0 && sb.ToString(sb.Length - space.Length, space.Length) == space) sb.Length -= space.Length;
        }
        if (_model.TreatWhitespaceAsSuffix && _model.AddDummyPrefix) sb.Append(space);
        return sb.ToString();
    }

    /// <summary>Normalised text of the longest rule matching at <paramref name="pos"/>, and how many chars it consumed.</summary>
    private (string Piece, int Consumed) NormalizePrefix(string input, int pos)
    {
        foreach (var symbol in _userDefined)
        {
            if (pos + symbol.Length <= input.Length && string.CompareOrdinal(input, pos, symbol, 0, symbol.Length) == 0)
                return (symbol, symbol.Length);
        }
        if (_trie is not null && LongestCharsmapMatch(input, pos) is var (replacement, consumed) && consumed > 0)
            return (replacement, consumed);
        var len = char.IsHighSurrogate(input[pos]) && pos + 1 < input.Length && char.IsLowSurrogate(input[pos + 1]) ? 2 : 1;
        if (len == 1 && char.IsSurrogate(input[pos])) return ("\uFFFD", 1);
        return (input.Substring(pos, len), len);
    }

    private (string, int) LongestCharsmapMatch(string input, int pos)
    {
        // Walk the double array over the UTF-8 bytes of the following characters (at most 32 chars).
        var end = Math.Min(input.Length, pos + 32);
        var bytes = Encoding.UTF8.GetBytes(input[pos..end]);
        var trie = _trie!;
        uint nodePos = 0;
        var unit = trie[0];
        nodePos ^= Offset(unit);
        var bestValue = -1;
        var bestBytes = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            nodePos ^= bytes[i];
            if (nodePos >= trie.Length) break;
            unit = trie[nodePos];
            if (Label(unit) != bytes[i]) break;
            nodePos ^= Offset(unit);
            if (HasLeaf(unit) && nodePos < trie.Length)
            {
                bestValue = (int)(trie[nodePos] & 0x7FFFFFFF);
                bestBytes = i + 1;
            }
        }
        if (bestValue < 0) return ("", 0);
        // Map the matched byte count back to a char count (matches end on character boundaries).
        var chars = Encoding.UTF8.GetCharCount(bytes, 0, bestBytes);
        var stop = Array.IndexOf(_normalized!, (byte)0, bestValue);
        if (stop < 0) stop = _normalized!.Length;
        return (Encoding.UTF8.GetString(_normalized!, bestValue, stop - bestValue), chars);
    }

    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);
    private static uint Label(uint unit) => unit & ((1u << 31) | 0xFF);
    private static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;
}
