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
        // NOTE: Latin-1 strings sort ordinally exactly like their bytes, and much faster than a span comparer.
        var keys = ids.Select(id => System.Text.Encoding.Latin1.GetString(tokens[id]!)).ToArray();
        Array.Sort(keys, ids, StringComparer.Ordinal);
        var bytes = new List<byte>(ids.Length * 3) { 0 };
        var depth = new List<int>(ids.Length * 3) { 0 };
        var end = new List<int>(ids.Length * 3) { 0 };
        var path = new List<int> { 0 }; // node index per depth
        var nodeOf = new int[ids.Length];
        byte[] prev = [];
        for (var k = 0; k < ids.Length; k++)
        {
            var t = tokens[ids[k]]!;
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
            nodeOf[k] = path[t.Length];
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
        foreach (var node in nodeOf) TokenStart[node + 1]++;
        for (var i = 0; i < Byte.Length; i++) TokenStart[i + 1] += TokenStart[i];
        TokenIds = new int[ids.Length];
        var fill = (int[])TokenStart.Clone();
        for (var k = 0; k < ids.Length; k++) TokenIds[fill[nodeOf[k]]++] = ids[k];
        TokenCount = ids.Length;
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
}
