namespace InternS1.Text.Structured.Automata;

/// <summary>DFAs for finite sets of strings: byte literals (enum values, keys, <c>true</c>) and code-point
/// strings (the complement used for keys of additional properties).</summary>
internal static class LiteralAutomaton
{
    /// <summary>A DFA accepting exactly the given byte strings.</summary>
    public static RangeDfa Bytes(IEnumerable<byte[]> literals)
    {
        var nfa = new RangeNfa();
        var root = nfa.AddState();
        nfa.Start = root;
        var children = new Dictionary<(int, byte), int>();
        foreach (var lit in literals)
        {
            var s = root;
            foreach (var b in lit)
            {
                if (!children.TryGetValue((s, b), out var t))
                {
                    t = nfa.AddState();
                    children[(s, b)] = t;
                    nfa.AddEdge(s, b, b, t);
                }
                s = t;
            }
            nfa.SetFinal(s);
        }
        return RangeDfa.Determinize(nfa);
    }

    /// <summary>A DFA over code points accepting every string of <paramref name="universe"/> characters except the
    /// given ones.</summary>
    public static RangeDfa AllExcept(IEnumerable<string> excluded, CharSet universe)
    {
        // A trie of the excluded strings; leaving it goes to a sink that accepts everything.
        var nfa = new RangeNfa();
        var root = nfa.AddState();
        nfa.Start = root;
        var sink = nfa.AddState();
        nfa.SetFinal(sink);
        foreach (var (lo, hi) in universe.Ranges) nfa.AddEdge(sink, lo, hi, sink);
        var children = new Dictionary<int, SortedDictionary<int, int>>();
        var terminal = new HashSet<int>();
        foreach (var word in excluded)
        {
            var s = root;
            foreach (var rune in word.EnumerateRunes())
            {
                if (!children.TryGetValue(s, out var map)) children[s] = map = new SortedDictionary<int, int>();
                if (!map.TryGetValue(rune.Value, out var t)) map[rune.Value] = t = nfa.AddState();
                s = t;
            }
            terminal.Add(s);
        }
        for (var s = 0; s < nfa.StateCount; s++)
        {
            if (s == sink) continue;
            if (!terminal.Contains(s)) nfa.SetFinal(s);
            var taken = CharSet.Empty;
            if (children.TryGetValue(s, out var map))
                foreach (var (cp, t) in map)
                {
                    nfa.AddEdge(s, cp, cp, t);
                    taken = taken.Union(CharSet.Of(cp, cp));
                }
            foreach (var (lo, hi) in taken.Complement(universe).Ranges) nfa.AddEdge(s, lo, hi, sink);
        }
        return RangeDfa.Determinize(nfa);
    }
}
