using InternS1.Text.Structured.Grammar;

namespace InternS1.Text.Structured.Masks;

/// <summary>The precomputed mask of a structural node at one nesting budget: the tokens read without leaving the
/// node's rule (sub-rules they enter included), and the exits that leave it (checked against the real stack at run
/// time). Computed by a trie walk that runs the full <see cref="Stepper"/> from the node alone.</summary>
internal sealed class StructuralEntry
{
    public StructuralEntry(TokenSet inside, ExitTable exits)
    {
        Inside = inside;
        Exits = exits;
    }

    public TokenSet Inside { get; }

    public ExitTable Exits { get; }

    public static StructuralEntry Walk(GrammarGraph g, int node, int budget, TokenVocabulary vocabulary)
    {
        var trie = vocabulary.Trie;
        var states = new MatchState[trie.MaxDepth + 1];
        states[0] = Stepper.Isolated(node, budget);
        var inside = new List<int>();
        var exits = new List<Exit>();
        var i = 1;
        while (i < trie.NodeCount)
        {
            var d = trie.Depth[i];
            var s = Stepper.Step(g, states[d - 1], trie.Byte[i]);
            if (!s.IsAlive) { i = trie.SubtreeEnd[i]; continue; }
            if (s.Exited)
                foreach (var id in trie.TokensUnder(i))
                    if (vocabulary.TokenBytes(id).Length > d) exits.Add(new Exit(id, (short)d, 0, 0, -1));
            foreach (var id in trie.TokensAt(i)) inside.Add(id);
            if (s.Waiting.Length == 0) { i = trie.SubtreeEnd[i]; continue; }
            states[d] = s.Exited ? new MatchState(s.Waiting, false, false) : s;
            i++;
        }
        var set = TokenSet.From(inside, vocabulary.Size);
        return new StructuralEntry(set, ExitTable.Build(exits, vocabulary, set));
    }
}
