using InternS1.Text.Structured.Grammar;
using InternS1.Text.Structured.Masks;

namespace InternS1.Text.Structured;

/// <summary>
/// A compiled schema over one vocabulary: a byte-level pushdown automaton whose per-state token masks are
/// precomputed (<see cref="StructuredOutputOptions.PrecomputeMasks"/>) or computed on first use and then shared by
/// every matcher. Immutable and thread-safe; create one <see cref="GrammarMatcher"/> per sequence.
/// </summary>
public sealed class StructuredGrammar
{
    private readonly StructuralEntry?[]?[] _entries;
    private readonly MatchState _initial;

    internal StructuredGrammar(GrammarGraph graph, TokenVocabulary vocabulary, string key)
    {
        Graph = graph;
        Vocabulary = vocabulary;
        Key = key;
        _entries = new StructuralEntry?[]?[graph.Nodes.Length];
        _initial = Stepper.Initial(graph);
    }

    internal GrammarGraph Graph { get; }

    /// <summary>The vocabulary the masks are over.</summary>
    public TokenVocabulary Vocabulary { get; }

    /// <summary>Cache key: SHA-256 of the schema text (or <c>json_object</c>) and the options.</summary>
    public string Key { get; }

    /// <summary>Number of structural nodes (objects, arrays, unions) of the automaton.</summary>
    public int NodeCount => Graph.Nodes.Length;

    /// <summary>Number of distinct lexemes (strings, numbers, literals).</summary>
    public int LexemeCount => Graph.Lexemes.Select(l => l.Table).Distinct().Count();

    /// <summary>A matcher at the start of the value.</summary>
    public GrammarMatcher CreateMatcher() => new(this, _initial);

    internal StructuralEntry Entry(int node, int budget)
    {
        var row = Volatile.Read(ref _entries[node]);
        if (row is null)
        {
            row = new StructuralEntry?[Graph.MaxNestingDepth + 1];
            row = Interlocked.CompareExchange(ref _entries[node], row, null) ?? row;
        }
        var e = Volatile.Read(ref row[budget]);
        if (e is not null) return e;
        e = StructuralEntry.Walk(Graph, node, budget, Vocabulary);
        return Interlocked.CompareExchange(ref row[budget], e, null) ?? e;
    }

    /// <summary>Computes the mask of every reachable automaton state now (what
    /// <see cref="StructuredOutputOptions.PrecomputeMasks"/> does at compile time); returns how many there are.</summary>
    public int PrecomputeMasks()
    {
        var seen = new HashSet<(int Node, int Budget)>();
        var tables = new HashSet<LexemeTable>();
        var stack = new Stack<(int, int)>();
        void Rule(GrammarRule r, int budget)
        {
            if (r.MinDepth > budget) return;
            if (r.Lexeme is { } l) tables.Add(l.Table);
            else if (seen.Add((r.Start, r.Container ? budget - 1 : budget))) stack.Push((r.Start, r.Container ? budget - 1 : budget));
        }
        Rule(Graph.Rules[Graph.Root], Graph.MaxNestingDepth);
        while (stack.Count > 0)
        {
            var (n, b) = stack.Pop();
            var node = Graph.Nodes[n];
            foreach (var (_, _, t) in node.Edges) if (seen.Add((t, b))) stack.Push((t, b));
            foreach (var (rule, ret) in node.Calls)
            {
                var r = Graph.Rules[rule];
                if (r.MinDepth > b) continue;
                Rule(r, b);
                if (seen.Add((ret, b))) stack.Push((ret, b));
            }
        }
        var count = 0;
        foreach (var (n, b) in seen)
        {
            if (Graph.Nodes[n].Edges.Length == 0) continue;
            Entry(n, b);
            count++;
        }
        foreach (var t in tables)
            for (var s = 0; s < t.StateCount; s++)
                if (t.HasOut[s]) { t.Entry(s, Vocabulary); count++; }
        foreach (var lex in Graph.Lexemes.Where(l => l.MaxCount != Lexeme.Unbounded))
            for (var s = 0; s < lex.Table.StateCount; s++)
                if (lex.Table.HasOut[s]) lex.Table.Entry(s, Vocabulary).PrecomputeRooms(lex.MaxCount + 1);
        return count;
    }
}
