using InternS1.Text.Structured.Automata;
using InternS1.Text.Structured.Grammar;

namespace InternS1.Text.Structured.Masks;

/// <summary>Computes a <see cref="LexemeEntry"/> by one walk over the token trie from a lexeme state: each trie node
/// costs one table lookup; a dead prefix skips its subtree (llguidance's token-trie walk on xgrammar's per-state cache).
/// Counters are accumulated along the path without limits; the limits are applied per frame at run time.</summary>
internal static class LexemeWalker
{
    public static LexemeEntry Walk(LexemeTable lex, int state, TokenVocabulary vocabulary)
    {
        var trie = vocabulary.Trie;
        var depthCap = trie.MaxDepth + 1;
        var st = new int[depthCap];
        var cMax = new short[depthCap];
        var cMin = new short[depthCap];
        var slack = new short[depthCap];
        st[0] = state;
        slack[0] = -1;
        var inside = new List<int>();
        var counted = new List<(int, short, short)>();
        var exits = new List<Exit>();
        var n = trie.NodeCount;
        var i = 1;
        while (i < n)
        {
            var d = trie.Depth[i];
            var packed = lex.Next(st[d - 1], trie.Byte[i]);
            if (packed < 0) { i = trie.SubtreeEnd[i]; continue; }
            var to = packed & 0xFFFFFF;
            var tags = (EdgeTags)(packed >>> 24);
            var cm = (short)(cMax[d - 1] + ((tags & EdgeTags.IncMax) != 0 ? 1 : 0));
            var cn = (short)(cMin[d - 1] + ((tags & EdgeTags.IncMin) != 0 ? 1 : 0));
            var sl = slack[d - 1];
            if ((tags & EdgeTags.NeedSlack) != 0) sl = Math.Max(sl, (short)(cm - cn));
            if (lex.Final[to])
            {
                // The lexeme may end after this byte: every longer token continues in the frame below.
                var under = trie.TokensUnder(i);
                foreach (var id in under)
                    if (vocabulary.TokenBytes(id).Length > d || !lex.HasOut[to]) exits.Add(new Exit(id, (short)d, cm, cn, sl));
                if (!lex.HasOut[to]) { i = trie.SubtreeEnd[i]; continue; }
            }
            st[d] = to;
            cMax[d] = cm;
            cMin[d] = cn;
            slack[d] = sl;
            foreach (var id in trie.TokensAt(i))
            {
                inside.Add(id);
                counted.Add((id, cm, sl));
            }
            i++;
        }
        var insideSet = TokenSet.From(inside, vocabulary.Size);
        return new LexemeEntry(vocabulary.Size, insideSet, counted, ExitTable.Build(exits, vocabulary, insideSet));
    }
}
