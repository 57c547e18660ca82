namespace InternS1.Text.Structured.Automata;

/// <summary>Syntax tree of a <c>pattern</c> (the supported ECMAScript subset), compiled to a <see cref="RangeNfa"/>
/// over code points.</summary>
internal abstract record RegexNode
{
    /// <summary>Adds this node between a fresh start and end state; returns them.</summary>
    public abstract (int Start, int End) Emit(RangeNfa nfa);

    public sealed record Chars(CharSet Set) : RegexNode
    {
        public override (int Start, int End) Emit(RangeNfa nfa)
        {
            var s = nfa.AddState();
            var e = nfa.AddState();
            foreach (var (lo, hi) in Set.Ranges) nfa.AddEdge(s, lo, hi, e);
            return (s, e);
        }
    }

    public sealed record Sequence(IReadOnlyList<RegexNode> Items) : RegexNode
    {
        public override (int Start, int End) Emit(RangeNfa nfa)
        {
            var s = nfa.AddState();
            var cur = s;
            foreach (var item in Items)
            {
                var (a, b) = item.Emit(nfa);
                nfa.AddEpsilon(cur, a);
                cur = b;
            }
            return (s, cur);
        }
    }

    public sealed record Alternation(IReadOnlyList<RegexNode> Options) : RegexNode
    {
        public override (int Start, int End) Emit(RangeNfa nfa)
        {
            var s = nfa.AddState();
            var e = nfa.AddState();
            foreach (var o in Options)
            {
                var (a, b) = o.Emit(nfa);
                nfa.AddEpsilon(s, a);
                nfa.AddEpsilon(b, e);
            }
            return (s, e);
        }
    }

    /// <summary><c>Body{Min,Max}</c>; <c>Max</c> null is unbounded.</summary>
    public sealed record Repeat(RegexNode Body, int Min, int? Max) : RegexNode
    {
        public override (int Start, int End) Emit(RangeNfa nfa)
        {
            var s = nfa.AddState();
            var cur = s;
            for (var i = 0; i < Min; i++)
            {
                var (a, b) = Body.Emit(nfa);
                nfa.AddEpsilon(cur, a);
                cur = b;
            }
            if (Max is null)
            {
                var (a, b) = Body.Emit(nfa);
                var loop = nfa.AddState();
                nfa.AddEpsilon(cur, loop);
                nfa.AddEpsilon(loop, a);
                nfa.AddEpsilon(b, loop);
                return (s, loop);
            }
            var end = nfa.AddState();
            nfa.AddEpsilon(cur, end);
            for (var i = Min; i < Max; i++)
            {
                var (a, b) = Body.Emit(nfa);
                nfa.AddEpsilon(cur, a);
                nfa.AddEpsilon(b, end);
                cur = b;
            }
            return (s, end);
        }
    }

    /// <summary>Compiles <paramref name="root"/> to a trimmed DFA over code points.</summary>
    public static RangeDfa Compile(RegexNode root, int maxStates = 20_000)
    {
        var nfa = new RangeNfa(maxStates * 8);
        var (s, e) = root.Emit(nfa);
        nfa.Start = s;
        nfa.SetFinal(e);
        return RangeDfa.Determinize(nfa, maxStates);
    }
}
