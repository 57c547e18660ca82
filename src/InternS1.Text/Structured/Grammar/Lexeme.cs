using InternS1.Text.Structured.Automata;
using InternS1.Text.Structured.Masks;

namespace InternS1.Text.Structured.Grammar;

/// <summary>
/// The byte DFA of a terminal (a string literal with its constraints, a number, a set of literals): a dense
/// transition table over byte classes and the final states. Immutable, shared by all grammars of one compiler that
/// use an equal terminal (same <see cref="Signature"/>); the per-state token masks are computed on first use.
/// </summary>
internal sealed class LexemeTable
{
    private readonly byte[] _classOf = new byte[256];
    private readonly int _classes;
    private readonly int[] _next;
    private readonly LexemeEntry?[] _entries;

    public LexemeTable(RangeDfa dfa, string signature)
    {
        if (dfa.IsEmpty) throw new ArgumentException("empty lexeme", nameof(dfa));
        Signature = signature;
        StateCount = dfa.StateCount;
        Start = dfa.Start;
        var cuts = new SortedSet<int> { 0, 256 };
        foreach (var list in dfa.Transitions)
            foreach (var t in list) { cuts.Add(t.Lo); cuts.Add(Math.Min(t.Hi + 1, 256)); }
        var points = cuts.ToArray();
        _classes = points.Length - 1;
        for (var c = 0; c < _classes; c++)
            for (var b = points[c]; b < points[c + 1]; b++) _classOf[b] = (byte)c;
        _next = new int[StateCount * _classes];
        Array.Fill(_next, -1);
        Final = new bool[StateCount];
        HasOut = new bool[StateCount];
        for (var s = 0; s < StateCount; s++)
        {
            Final[s] = dfa.Final[s];
            foreach (var t in dfa.Transitions[s])
            {
                HasOut[s] = true;
                for (var b = t.Lo; b <= t.Hi && b < 256; b++) _next[s * _classes + _classOf[b]] = t.To | ((int)t.Tags << 24);
            }
        }
        _entries = new LexemeEntry?[StateCount];
    }

    /// <summary>What the lexeme is (shared by equal lexemes of different grammars).</summary>
    public string Signature { get; }

    public int StateCount { get; }

    public int Start { get; }

    public bool[] Final { get; }

    public bool[] HasOut { get; }

    /// <summary>The packed transition (target | tags &lt;&lt; 24) of <paramref name="state"/> on <paramref name="b"/>, -1 if none.</summary>
    public int Next(int state, byte b) => _next[state * _classes + _classOf[b]];

    /// <summary>The mask entry of a state, computed on first use (thread-safe; a race computes it twice).</summary>
    public LexemeEntry Entry(int state, TokenVocabulary vocabulary)
    {
        var e = Volatile.Read(ref _entries[state]);
        if (e is not null) return e;
        e = LexemeWalker.Walk(this, state, vocabulary);
        return Interlocked.CompareExchange(ref _entries[state], e, null) ?? e;
    }

    /// <summary>Whether the entry of a state was computed already.</summary>
    public bool HasEntry(int state) => Volatile.Read(ref _entries[state]) is not null;
}

/// <summary>A terminal as a grammar uses it: its table and — for plain strings with <c>minLength</c> or
/// <c>maxLength</c> — the limits of two counters kept in the frame instead of in the states, so that one mask per
/// state serves every position of the string.</summary>
internal sealed class Lexeme
{
    /// <summary>No upper limit on the counter.</summary>
    public const int Unbounded = int.MaxValue;

    public Lexeme(LexemeTable table, int minCount = 0, int maxCount = Unbounded)
    {
        Table = table;
        MinCount = minCount;
        MaxCount = maxCount;
    }

    public LexemeTable Table { get; }

    /// <summary><c>minLength</c> counted by the frame (0 when the states carry it).</summary>
    public int MinCount { get; }

    /// <summary><c>maxLength</c> counted by the frame (<see cref="Unbounded"/> when none).</summary>
    public int MaxCount { get; }

    public int Start => Table.Start;

    /// <summary>Applies one transition to a frame's counters; false when a counter forbids it.</summary>
    public bool Advance(int packed, ref int countMax, ref int countMin)
    {
        var tags = (EdgeTags)(packed >>> 24);
        if ((tags & EdgeTags.IncMax) != 0 && ++countMax > MaxCount) return false;
        if ((tags & EdgeTags.IncMin) != 0) countMin++;
        if ((tags & EdgeTags.NeedSlack) != 0 && MaxCount != Unbounded && MaxCount - countMax < MinCount - countMin) return false;
        return !Table.Final[packed & 0xFFFFFF] || countMin >= MinCount;
    }
}
