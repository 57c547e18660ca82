namespace InternS1.Text.Structured.Grammar;

/// <summary>A node of a structural rule (object, array, union): byte edges for punctuation, calls of other rules
/// (a call pushes the callee and continues at <c>Return</c> when it completes), and whether the rule may end here.</summary>
internal sealed class GrammarNode
{
    public (byte Lo, byte Hi, int Target)[] Edges { get; set; } = [];

    public (int Rule, int Return)[] Calls { get; set; } = [];

    public bool Final { get; set; }
}

/// <summary>A rule: a lexeme, or a structural start node. <see cref="Container"/> rules (objects, arrays) use one level
/// of the nesting budget; <see cref="MinDepth"/> is the least budget a complete value of the rule needs
/// (<see cref="int.MaxValue"/>: none exists), so a call is only taken when the budget allows completing it.</summary>
internal sealed class GrammarRule
{
    public GrammarRule(int id, string pointer)
    {
        Id = id;
        Pointer = pointer;
    }

    public int Id { get; }

    /// <summary>JSON pointer of the schema the rule was made from (for errors).</summary>
    public string Pointer { get; }

    public Lexeme? Lexeme { get; set; }

    public int Start { get; set; } = -1;

    public bool Container { get; set; }

    public int MinDepth { get; set; } = int.MaxValue;

    /// <summary>For unions: the alternatives (to find left recursion).</summary>
    public List<int> Alternatives { get; } = [];
}

/// <summary>The compiled grammar: structural nodes, rules and the root rule, plus the nesting budget of the root frame.</summary>
internal sealed class GrammarGraph
{
    public GrammarGraph(GrammarNode[] nodes, GrammarRule[] rules, int root, int maxNestingDepth)
    {
        Nodes = nodes;
        Rules = rules;
        Root = root;
        MaxNestingDepth = maxNestingDepth;
    }

    public GrammarNode[] Nodes { get; }

    public GrammarRule[] Rules { get; }

    public int Root { get; }

    public int MaxNestingDepth { get; }

    /// <summary>Distinct lexemes used by the rules.</summary>
    public IEnumerable<Lexeme> Lexemes => Rules.Select(r => r.Lexeme).OfType<Lexeme>().Distinct();
}
