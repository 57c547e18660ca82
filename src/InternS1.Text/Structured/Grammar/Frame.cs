namespace InternS1.Text.Structured.Grammar;

/// <summary>
/// One frame of a persistent parse stack: a position in a structural rule (<see cref="Node"/>, with the nesting
/// <c>Budget</c> in <see cref="A"/>) or in a lexeme (<see cref="Node"/> is the lexeme state, <see cref="A"/>/<see cref="B"/>
/// its length counters), and the frame to return to. Frames are immutable and shared between parse threads, so
/// cloning a matcher copies one reference. Equality is structural.
/// </summary>
internal sealed class Frame : IEquatable<Frame>
{
    /// <summary>The marker under the frame a mask is precomputed for: popping it means "the rule is complete".</summary>
    public static readonly Frame Bottom = new(-1, null, 0, 0, null);

    private readonly int _hash;

    public Frame(int node, Lexeme? lexeme, int a, int b, Frame? parent)
    {
        Node = node;
        Lexeme = lexeme;
        A = a;
        B = b;
        Parent = parent;
        _hash = HashCode.Combine(node, lexeme, a, b, parent?._hash ?? 0);
    }

    public int Node { get; }

    public Lexeme? Lexeme { get; }

    public int A { get; }

    public int B { get; }

    public Frame? Parent { get; }

    public bool Equals(Frame? other)
    {
        var x = this;
        var y = other;
        while (true)
        {
            if (ReferenceEquals(x, y)) return true;
            if (x is null || y is null || x._hash != y._hash || x.Node != y.Node || x.A != y.A || x.B != y.B || !ReferenceEquals(x.Lexeme, y.Lexeme)) return false;
            x = x.Parent;
            y = y.Parent;
        }
    }

    public override bool Equals(object? obj) => Equals(obj as Frame);

    public override int GetHashCode() => _hash;
}

/// <summary>The set of parse threads after some bytes: frames waiting for a byte, and whether the value is complete
/// (<see cref="Completed"/>) or — in a mask precomputation — the frame's rule was completed (<see cref="Exited"/>).</summary>
internal sealed class MatchState
{
    public static readonly MatchState Dead = new([], false, false);

    public MatchState(Frame[] waiting, bool completed, bool exited)
    {
        Waiting = waiting;
        Completed = completed;
        Exited = exited;
    }

    public Frame[] Waiting { get; }

    public bool Completed { get; }

    public bool Exited { get; }

    public bool IsAlive => Waiting.Length > 0 || Completed || Exited;
}
