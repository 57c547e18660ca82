namespace InternS1.Text.Structured.Automata;

/// <summary>Tags carried by byte transitions of string lexemes (the counters of <c>minLength</c>/<c>maxLength</c>).</summary>
[Flags]
internal enum EdgeTags : byte
{
    None = 0,
    /// <summary>The byte starts a character: the length counter goes up by one.</summary>
    IncMax = 1,
    /// <summary>The byte completes a character that counts towards <c>minLength</c>.</summary>
    IncMin = 2,
    /// <summary>From here on the character cannot count towards <c>minLength</c>: enough room must be left.</summary>
    NeedSlack = 4,
    /// <summary>The byte completes a character.</summary>
    CharEnd = 8,
}

/// <summary>A nondeterministic automaton over integer symbols (code points or bytes) with range edges,
/// epsilon edges and per-edge <see cref="EdgeTags"/>. Built by the regex, number and string constructions and
/// turned into a <see cref="RangeDfa"/> by subset construction.</summary>
internal sealed class RangeNfa
{
    internal readonly record struct Edge(int Lo, int Hi, int To, EdgeTags Tags);

    private readonly List<List<Edge>> _edges = [];
    private readonly List<List<int>> _eps = [];
    private readonly List<bool> _final = [];

    public RangeNfa(int maxStates = 200_000) => MaxStates = maxStates;

    /// <summary>Most states this automaton may get (a guard against schemas that expand without bound).</summary>
    public int MaxStates { get; }

    public int Start { get; set; }

    public int StateCount => _edges.Count;

    public int AddState()
    {
        if (_edges.Count >= MaxStates) throw new AutomatonTooLargeException(MaxStates);
        _edges.Add([]);
        _eps.Add([]);
        _final.Add(false);
        return _edges.Count - 1;
    }

    public void AddEdge(int from, int lo, int hi, int to, EdgeTags tags = EdgeTags.None)
    {
        if (lo <= hi) _edges[from].Add(new Edge(lo, hi, to, tags));
    }

    public void AddEpsilon(int from, int to) => _eps[from].Add(to);

    public void SetFinal(int state, bool final = true) => _final[state] = final;

    public bool IsFinal(int state) => _final[state];

    public IReadOnlyList<Edge> Edges(int state) => _edges[state];

    public IReadOnlyList<int> Epsilons(int state) => _eps[state];

    /// <summary>Adds a path that reads <paramref name="bytes"/> from <paramref name="from"/> and returns its end state.</summary>
    public int AddLiteral(int from, ReadOnlySpan<byte> bytes)
    {
        var s = from;
        foreach (var b in bytes)
        {
            var t = AddState();
            AddEdge(s, b, b, t);
            s = t;
        }
        return s;
    }
}

/// <summary>An automaton construction went past its state limit.</summary>
internal sealed class AutomatonTooLargeException(int limit)
    : Exception($"the automaton would need more than {limit} states")
{
    public int Limit { get; } = limit;
}
