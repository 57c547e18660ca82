using System.Buffers;

namespace InternS1.Text.Tokenization;

/// <summary>
/// Byte-level BPE of one pre-token in O(n log n): a heap of candidate merges over a doubly linked list of
/// symbols, as Hugging Face tokenizers' <c>Word::merge_all</c>. It applies merges in exactly the order
/// Microsoft.ML.Tokenizers' <c>Word.MergeAll</c> does (lowest rank first, then leftmost), so the ids are the same;
/// that implementation compacts its symbol list with one <c>RemoveAt</c> per merge, which makes a pre-token of
/// n bytes cost O(n²) (a 1 MB word took minutes).
/// NOTE: like the reference, every new pair is queued and stale entries are skipped when they surface. The reference
/// applies an entry when its position now holds a pair with the same merged token; this checks the same rank. The two
/// agree: the merged text of the pair at a position only ever grows longer, so a stale entry never names its new pair.
/// </summary>
internal sealed class BpeMerger
{
    private readonly Dictionary<long, (int Rank, int NewId)> _merges;
    private readonly int[] _byteIds = new int[256];

    public BpeMerger(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<string> merges, string origin)
    {
        for (var b = 0; b < 256; b++)
        {
            var symbol = ByteLevel.ByteToChar[b].ToString();
            _byteIds[b] = vocab.TryGetValue(symbol, out var id) ? id : -1;
        }
        _merges = new Dictionary<long, (int, int)>(merges.Count, PairKeyComparer.Instance);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var m = merges[rank];
            var space = m.IndexOf(' ');
            var (a, b) = (m[..space], m[(space + 1)..]);
            if (!vocab.TryGetValue(a, out var aId) || !vocab.TryGetValue(b, out var bId) || !vocab.TryGetValue(a + b, out var newId))
                throw new TokenizerFilesException($"{origin}: merge {rank} '{m}' names a token that is not in the vocabulary");
            if (!_merges.TryAdd(Key(aId, bId), (rank, newId)))
                throw new TokenizerFilesException($"{origin}: merge {rank} '{m}' is listed twice");
        }
    }

    /// <summary>Appends the ids of <paramref name="preToken"/> (one pre-token, not yet byte-level mapped).</summary>
    public void Encode(ReadOnlySpan<char> preToken, List<int> output)
    {
        if (preToken.IsEmpty) return;
        var bytes = ArrayPool<byte>.Shared.Rent(preToken.Length * 3);
        var n = ToBytes(preToken, bytes);
        var pool = ArrayPool<int>.Shared;
        int[] ids = pool.Rent(n), prev = pool.Rent(n), next = pool.Rent(n);
        try
        {
            // 1. One symbol per byte, linked in order; next = -2 marks a symbol merged into its left neighbour.
            for (var i = 0; i < n; i++)
            {
                ids[i] = _byteIds[bytes[i]];
                if (ids[i] < 0) throw new InvalidOperationException($"byte 0x{bytes[i]:X2} has no token in the vocabulary");
                prev[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
            }
            // 2. Candidate merges by (rank, position of the left symbol): lowest rank first, then leftmost.
            var queue = new PriorityQueue<long, long>(n);
            for (var i = 0; i + 1 < n; i++) Push(queue, ids, i, i + 1);
            while (queue.TryDequeue(out var key, out _))
            {
                var (rank, pos) = ((int)(key >> 32), (int)(uint)key);
                var right = next[pos];
                // A stale entry: the symbol was merged away, or the pair at its position has changed since.
                if (right < 0 || !_merges.TryGetValue(Key(ids[pos], ids[right]), out var m) || m.Rank != rank) continue;
                ids[pos] = m.NewId;
                next[pos] = next[right];
                next[right] = -2;
                if (next[pos] >= 0) prev[next[pos]] = pos;
                if (prev[pos] >= 0) Push(queue, ids, prev[pos], pos);
                if (next[pos] >= 0) Push(queue, ids, pos, next[pos]);
            }
            // 3. The surviving symbols, left to right (position 0 always survives: a merge keeps the left symbol).
            for (var i = 0; i >= 0; i = next[i]) output.Add(ids[i]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            pool.Return(ids);
            pool.Return(prev);
            pool.Return(next);
        }
    }

    /// <summary>UTF-8 bytes as the reference's <c>EncodeToUtf8AndTransform</c> writes them: a lone surrogate is
    /// encoded like any other BMP code unit (3 bytes, ED xx xx), not replaced by U+FFFD.</summary>
    private static int ToBytes(ReadOnlySpan<char> text, byte[] bytes)
    {
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            uint c = text[i];
            if (c <= 0x7F) bytes[n++] = (byte)c;
            else if (c <= 0x7FF)
            {
                bytes[n++] = (byte)(0xC0 | (c >> 6));
                bytes[n++] = (byte)(0x80 | (c & 0x3F));
            }
            else if (char.IsHighSurrogate((char)c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var v = (uint)char.ConvertToUtf32((char)c, text[++i]);
                bytes[n++] = (byte)(0xF0 | (v >> 18));
                bytes[n++] = (byte)(0x80 | ((v >> 12) & 0x3F));
                bytes[n++] = (byte)(0x80 | ((v >> 6) & 0x3F));
                bytes[n++] = (byte)(0x80 | (v & 0x3F));
            }
            else
            {
                bytes[n++] = (byte)(0xE0 | (c >> 12));
                bytes[n++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                bytes[n++] = (byte)(0x80 | (c & 0x3F));
            }
        }
        return n;
    }

    private void Push(PriorityQueue<long, long> queue, int[] ids, int left, int right)
    {
        if (!_merges.TryGetValue(Key(ids[left], ids[right]), out var m)) return;
        var key = Key(m.Rank, left);
        queue.Enqueue(key, key);
    }

    /// <summary>A pair of ids, or a queue entry (rank, position): ordering by the key orders by rank, then position.</summary>
    private static long Key(int a, int b) => ((long)a << 32) | (uint)b;

    /// <summary>NOTE: long's own hash (the xor of its halves) puts hundreds of Qwen3's id pairs in one bucket chain;
    /// a multiplicative mix keeps lookups O(1).</summary>
    private sealed class PairKeyComparer : IEqualityComparer<long>
    {
        public static readonly PairKeyComparer Instance = new();
        public bool Equals(long x, long y) => x == y;
        public int GetHashCode(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 32);
    }
}
