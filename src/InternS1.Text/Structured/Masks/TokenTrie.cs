namespace InternS1.Text.Structured.Masks;

/// <summary>
/// All text tokens of a vocabulary in a byte trie laid out in depth-first preorder (after llguidance's toktrie):
/// node <c>i</c> has the byte <see cref="Byte"/>[i] at depth <see cref="Depth"/>[i]; its subtree is
/// <c>[i, SubtreeEnd[i])</c>, so a walk that rejects a prefix skips the whole subtree with one assignment.
/// Node 0 is the root (empty prefix).
/// </summary>
internal sealed class TokenTrie
{
    public TokenTrie(byte[]?[] tokens)
    {
        var ids = Enumerable.Range(0, tokens.Length).Where(i => tokens[i] is not null).ToArray();
        Array.Sort(ids, (a, b) => tokens[a].AsSpan().SequenceCompareTo(tokens[b]));
        var bytes = new List<byte> { 0 };
        var depth = new List<int> { 0 };
        var end = new List<int> { 0 };
        var path = new List<int> { 0 }; // node index per depth
        byte[] prev = [];
        foreach (var id in ids)
        {
            var t = tokens[id]!;
            var lcp = 0;
            while (lcp < t.Length && lcp < prev.Length && t[lcp] == prev[lcp]) lcp++;
            while (path.Count - 1 > lcp)
            {
                end[path[^1]] = bytes.Count;
                path.RemoveAt(path.Count - 1);
            }
            for (var d = lcp; d < t.Length; d++)
            {
                bytes.Add(t[d]);
                depth.Add(d + 1);
                end.Add(0);
                path.Add(bytes.Count - 1);
            }
            MaxDepth = Math.Max(MaxDepth, t.Length);
            prev = t;
        }
        while (path.Count > 0)
        {
            end[path[^1]] = bytes.Count;
            path.RemoveAt(path.Count - 1);
        }
        Byte = bytes.ToArray();
        Depth = depth.ToArray();
        SubtreeEnd = end.ToArray();
        // Tokens of node i are TokenIds[TokenStart[i] .. TokenStart[i + 1]); preorder keeps a subtree's tokens contiguous.
        TokenStart = new int[Byte.Length + 1];
        var counts = new int[Byte.Length];
        foreach (var id in ids) counts[NodeOf(tokens[id]!)]++;
        var acc = 0;
        for (var i = 0; i < Byte.Length; i++) { TokenStart[i] = acc; acc += counts[i]; }
        TokenStart[Byte.Length] = acc;
        TokenIds = new int[acc];
        var fill = (int[])TokenStart.Clone();
        foreach (var id in ids) TokenIds[fill[NodeOf(tokens[id]!)]++] = id;
        TokenCount = acc;
    }

    public byte[] Byte { get; }

    public int[] Depth { get; }

    public int[] SubtreeEnd { get; }

    public int[] TokenStart { get; }

    public int[] TokenIds { get; }

    public int NodeCount => Byte.Length;

    public int TokenCount { get; }

    public int MaxDepth { get; }

    /// <summary>Token ids whose bytes are exactly the path to node <paramref name="node"/>.</summary>
    public ReadOnlySpan<int> TokensAt(int node) => TokenIds.AsSpan(TokenStart[node], TokenStart[node + 1] - TokenStart[node]);

    /// <summary>Token ids in the subtree of <paramref name="node"/> (the node included).</summary>
    public ReadOnlySpan<int> TokensUnder(int node) => TokenIds.AsSpan(TokenStart[node], TokenStart[SubtreeEnd[node]] - TokenStart[node]);

    private int NodeOf(byte[] token)
    {
        var node = 0;
        foreach (var b in token)
        {
            var child = node + 1;
            var stop = SubtreeEnd[node];
            while (child < stop && Byte[child] != b) child = SubtreeEnd[child];
            node = child;
        }
        return node;
    }
}
