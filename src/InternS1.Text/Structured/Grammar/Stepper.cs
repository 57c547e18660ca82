namespace InternS1.Text.Structured.Grammar;

/// <summary>
/// Runs the pushdown automaton: <see cref="Step"/> feeds one byte to every waiting frame, then closes the result —
/// calls are pushed (when the nesting budget allows completing the callee) and complete rules are popped — until
/// every frame waits for a byte. Nondeterminism (unions, optional parts, a number that may end) is a set of frames.
/// </summary>
internal static class Stepper
{
    private sealed class Collector
    {
        public readonly List<Frame> Waiting = [];
        public readonly HashSet<Frame> Seen = [];
        public bool Completed;
        public bool Exited;

        public MatchState ToState() => Waiting.Count == 0 && !Completed && !Exited ? MatchState.Dead : new MatchState([.. Waiting], Completed, Exited);
    }

    /// <summary>The state before any byte.</summary>
    public static MatchState Initial(GrammarGraph g)
    {
        var c = new Collector();
        var root = g.Rules[g.Root];
        Push(g, root, g.MaxNestingDepth, null, c);
        return c.ToState();
    }

    /// <summary>A single frame waiting at <paramref name="node"/> above <see cref="Frame.Bottom"/> (for mask precomputation).</summary>
    public static MatchState Isolated(int node, int budget) => new([new Frame(node, null, budget, 0, Frame.Bottom)], false, false);

    public static MatchState Step(GrammarGraph g, MatchState s, byte b)
    {
        var c = new Collector();
        foreach (var f in s.Waiting) StepFrame(g, f, b, c);
        return c.ToState();
    }

    /// <summary>The state right after the rule of a frame whose parent is <paramref name="parent"/> completed.</summary>
    public static MatchState Pop(GrammarGraph g, Frame? parent)
    {
        var c = new Collector();
        PopInto(g, parent, c);
        return c.ToState();
    }

    /// <summary>Feeds <paramref name="bytes"/>; false when some byte cannot be read.</summary>
    public static bool Feed(GrammarGraph g, ref MatchState s, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (s.Waiting.Length == 0) return false;
            s = Step(g, s, b);
        }
        return s.IsAlive;
    }

    private static void StepFrame(GrammarGraph g, Frame f, byte b, Collector c)
    {
        if (f.Lexeme is { } lex)
        {
            var packed = lex.Table.Next(f.Node, b);
            if (packed < 0) return;
            int cm = f.A, cn = f.B;
            if (!lex.Advance(packed, ref cm, ref cn)) return;
            Close(g, new Frame(packed & 0xFFFFFF, lex, cm, cn, f.Parent), c);
            return;
        }
        foreach (var (lo, hi, target) in g.Nodes[f.Node].Edges)
        {
            if (b < lo || b > hi) continue;
            Close(g, new Frame(target, null, f.A, 0, f.Parent), c);
            return;
        }
    }

    private static void Close(GrammarGraph g, Frame f, Collector c)
    {
        if (!c.Seen.Add(f)) return;
        if (f.Lexeme is { } lex)
        {
            if (lex.Table.HasOut[f.Node]) c.Waiting.Add(f);
            if (lex.Table.Final[f.Node]) PopInto(g, f.Parent, c);
            return;
        }
        var node = g.Nodes[f.Node];
        if (node.Edges.Length > 0) c.Waiting.Add(f);
        foreach (var (rule, ret) in node.Calls)
        {
            var r = g.Rules[rule];
            if (r.MinDepth > f.A) continue;
            Push(g, r, f.A, new Frame(ret, null, f.A, 0, f.Parent), c);
        }
        if (node.Final) PopInto(g, f.Parent, c);
    }

    private static void Push(GrammarGraph g, GrammarRule r, int budget, Frame? ret, Collector c)
    {
        if (r.Lexeme is { } l) Close(g, new Frame(l.Start, l, 0, 0, ret), c);
        else Close(g, new Frame(r.Start, null, r.Container ? budget - 1 : budget, 0, ret), c);
    }

    private static void PopInto(GrammarGraph g, Frame? parent, Collector c)
    {
        if (parent is null) c.Completed = true;
        else if (ReferenceEquals(parent, Frame.Bottom)) c.Exited = true;
        else Close(g, parent, c);
    }
}
