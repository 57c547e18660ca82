namespace InternS1.Text.Structured.Automata;

/// <summary>A deterministic automaton over integer symbols: per state, sorted disjoint range transitions with
/// tags. Made by subset construction from a <see cref="RangeNfa"/>; <see cref="Trim"/> keeps only live states
/// (reachable and able to reach a final state), so every prefix it accepts can be completed.</summary>
internal sealed class RangeDfa
{
    internal readonly record struct Transition(int Lo, int Hi, int To, EdgeTags Tags);

    public RangeDfa(List<Transition[]> transitions, List<bool> final, int start)
    {
        Transitions = transitions;
        Final = final;
        Start = start;
    }

    public List<Transition[]> Transitions { get; }

    public List<bool> Final { get; }

    /// <summary>Start state, -1 when the language is empty.</summary>
    public int Start { get; }

    public int StateCount => Transitions.Count;

    public bool IsEmpty => Start < 0;

    /// <summary>Subset construction (epsilon closures, range partitioning). Tags of merged edges are or-ed.</summary>
    public static RangeDfa Determinize(RangeNfa nfa, int maxStates = 100_000)
    {
        var ids = new Dictionary<string, int>();
        var sets = new List<int[]>();
        var trans = new List<Transition[]>();
        var final = new List<bool>();
        int Intern(SortedSet<int> set)
        {
            var arr = set.ToArray();
            var key = string.Join(',', arr);
            if (ids.TryGetValue(key, out var id)) return id;
            if (sets.Count >= maxStates) throw new AutomatonTooLargeException(maxStates);
            id = sets.Count;
            ids[key] = id;
            sets.Add(arr);
            trans.Add([]);
            final.Add(arr.Any(nfa.IsFinal));
            return id;
        }
        var start = Intern(Closure(nfa, [nfa.Start]));
        for (var d = 0; d < sets.Count; d++)
        {
            var edges = sets[d].SelectMany(s => nfa.Edges(s)).ToList();
            var cuts = new SortedSet<int>();
            foreach (var e in edges) { cuts.Add(e.Lo); cuts.Add(e.Hi + 1); }
            var points = cuts.ToArray();
            var outList = new List<Transition>();
            for (var k = 0; k + 1 < points.Length; k++)
            {
                int lo = points[k], hi = points[k + 1] - 1;
                var targets = new SortedSet<int>();
                var tags = EdgeTags.None;
                foreach (var e in edges)
                {
                    if (e.Lo <= lo && hi <= e.Hi) { targets.Add(e.To); tags |= e.Tags; }
                }
                if (targets.Count == 0) continue;
                var to = Intern(Closure(nfa, targets));
                if (outList.Count > 0 && outList[^1].To == to && outList[^1].Tags == tags && outList[^1].Hi + 1 == lo)
                    outList[^1] = outList[^1] with { Hi = hi };
                else outList.Add(new Transition(lo, hi, to, tags));
            }
            trans[d] = outList.ToArray();
        }
        return new RangeDfa(trans, final, start).Trim();
    }

    private static SortedSet<int> Closure(RangeNfa nfa, IEnumerable<int> states)
    {
        var set = new SortedSet<int>();
        var stack = new Stack<int>(states);
        while (stack.Count > 0)
        {
            var s = stack.Pop();
            if (!set.Add(s)) continue;
            foreach (var t in nfa.Epsilons(s)) stack.Push(t);
        }
        return set;
    }

    /// <summary>Keeps the states that are reachable from the start and can reach a final state.</summary>
    public RangeDfa Trim()
    {
        if (Start < 0) return this;
        var n = StateCount;
        var reach = new bool[n];
        var stack = new Stack<int>([Start]);
        reach[Start] = true;
        while (stack.Count > 0)
            foreach (var t in Transitions[stack.Pop()])
                if (!reach[t.To]) { reach[t.To] = true; stack.Push(t.To); }
        var reverse = new List<int>[n];
        for (var s = 0; s < n; s++) reverse[s] = [];
        for (var s = 0; s < n; s++) foreach (var t in Transitions[s]) reverse[t.To].Add(s);
        var live = new bool[n];
        for (var s = 0; s < n; s++) if (Final[s] && reach[s]) { live[s] = true; stack.Push(s); }
        while (stack.Count > 0)
            foreach (var p in reverse[stack.Pop()])
                if (reach[p] && !live[p]) { live[p] = true; stack.Push(p); }
        if (!live[Start]) return new RangeDfa([], [], -1);
        var map = new int[n];
        var count = 0;
        for (var s = 0; s < n; s++) map[s] = live[s] ? count++ : -1;
        var trans = new List<Transition[]>(count);
        var final = new List<bool>(count);
        for (var s = 0; s < n; s++)
        {
            if (!live[s]) continue;
            trans.Add(Transitions[s].Where(t => live[t.To]).Select(t => t with { To = map[t.To] }).ToArray());
            final.Add(Final[s]);
        }
        return new RangeDfa(trans, final, map[Start]);
    }

    /// <summary>The product automaton: strings accepted by both.</summary>
    public static RangeDfa Intersect(RangeDfa a, RangeDfa b, int maxStates = 100_000)
    {
        if (a.IsEmpty || b.IsEmpty) return new RangeDfa([], [], -1);
        var ids = new Dictionary<(int, int), int>();
        var pairs = new List<(int A, int B)>();
        var trans = new List<Transition[]>();
        var final = new List<bool>();
        int Intern(int x, int y)
        {
            if (ids.TryGetValue((x, y), out var id)) return id;
            if (pairs.Count >= maxStates) throw new AutomatonTooLargeException(maxStates);
            ids[(x, y)] = id = pairs.Count;
            pairs.Add((x, y));
            trans.Add([]);
            final.Add(a.Final[x] && b.Final[y]);
            return id;
        }
        var start = Intern(a.Start, b.Start);
        for (var i = 0; i < pairs.Count; i++)
        {
            var (x, y) = pairs[i];
            var list = new List<Transition>();
            foreach (var ta in a.Transitions[x])
                foreach (var tb in b.Transitions[y])
                {
                    var lo = Math.Max(ta.Lo, tb.Lo);
                    var hi = Math.Min(ta.Hi, tb.Hi);
                    if (lo <= hi) list.Add(new Transition(lo, hi, Intern(ta.To, tb.To), ta.Tags | tb.Tags));
                }
            trans[i] = list.OrderBy(t => t.Lo).ToArray();
        }
        return new RangeDfa(trans, final, start).Trim();
    }

    /// <summary>Strings of this automaton with between <paramref name="min"/> and <paramref name="max"/> symbols
    /// (a counter in the state: <c>max</c> + 1 copies, or <c>min</c> + 1 when unbounded above).</summary>
    public RangeDfa WithLength(int min, int? max, int maxStates = 100_000)
    {
        if (IsEmpty || (min == 0 && max is null)) return this;
        var cap = max ?? min;
        var ids = new Dictionary<(int, int), int>();
        var keys = new List<(int S, int K)>();
        var trans = new List<Transition[]>();
        var final = new List<bool>();
        int Intern(int s, int k)
        {
            if (ids.TryGetValue((s, k), out var id)) return id;
            if (keys.Count >= maxStates) throw new AutomatonTooLargeException(maxStates);
            ids[(s, k)] = id = keys.Count;
            keys.Add((s, k));
            trans.Add([]);
            final.Add(Final[s] && k >= min);
            return id;
        }
        var start = Intern(Start, 0);
        for (var i = 0; i < keys.Count; i++)
        {
            var (s, k) = keys[i];
            if (max is not null && k >= max) continue;
            var next = max is null ? Math.Min(k + 1, cap) : k + 1;
            trans[i] = Transitions[s].Select(t => t with { To = Intern(t.To, next) }).ToArray();
        }
        return new RangeDfa(trans, final, start).Trim();
    }

    /// <summary>Whether the automaton accepts <paramref name="symbols"/> (for tests and diagnostics).</summary>
    public bool Accepts(IEnumerable<int> symbols)
    {
        if (IsEmpty) return false;
        var s = Start;
        foreach (var c in symbols)
        {
            var next = -1;
            foreach (var t in Transitions[s]) if (t.Lo <= c && c <= t.Hi) { next = t.To; break; }
            if (next < 0) return false;
            s = next;
        }
        return Final[s];
    }
}
