namespace InternS1.Text.Structured.Grammar;

internal sealed partial class GrammarBuilder
{
    private GrammarGraph Finish(int root, string rootPointer)
    {
        RejectLeftRecursion();
        ComputeMinDepths();
        var need = _rules[root].MinDepth;
        if (need == int.MaxValue) throw Error(FirstImpossible(root) ?? rootPointer, "the schema admits no value");
        if (need > _options.MaxNestingDepth)
            throw Error(rootPointer, $"the schema needs a nesting depth of {need}, more than MaxNestingDepth ({_options.MaxNestingDepth})");
        return new GrammarGraph([.. _nodes], [.. _rules], root, _options.MaxNestingDepth);
    }

    /// <summary>Fixpoint from "infinite" down: lexemes need 0, containers 1 + the most any required part needs,
    /// unions the least of their alternatives.</summary>
    private void ComputeMinDepths()
    {
        foreach (var r in _rules) if (r.Lexeme is not null) r.MinDepth = 0;
        bool changed;
        do
        {
            changed = false;
            foreach (var r in _rules)
            {
                if (r.Lexeme is not null || r.Start < 0) continue;
                int m;
                if (r.Container)
                {
                    var worst = 0;
                    foreach (var c in _requiredCalls.GetValueOrDefault(r.Id) ?? []) worst = Math.Max(worst, _rules[c].MinDepth);
                    m = worst == int.MaxValue ? int.MaxValue : worst + 1;
                }
                else m = r.Alternatives.Count == 0 ? int.MaxValue : r.Alternatives.Min(a => _rules[a].MinDepth);
                if (m < r.MinDepth) { r.MinDepth = m; changed = true; }
            }
        } while (changed);
    }

    /// <summary>A union that reaches itself through unions only would push frames forever without reading a byte.</summary>
    private void RejectLeftRecursion()
    {
        var state = new int[_rules.Count]; // 0 new, 1 on stack, 2 done
        void Visit(GrammarRule r)
        {
            state[r.Id] = 1;
            foreach (var a in r.Alternatives)
            {
                var alt = _rules[a];
                if (alt.Container || alt.Lexeme is not null) continue;
                if (state[a] == 1) throw Error(alt.Pointer, "circular anyOf/$ref: the schema refers to itself without any JSON structure in between");
                if (state[a] == 0) Visit(alt);
            }
            state[r.Id] = 2;
        }
        foreach (var r in _rules) if (state[r.Id] == 0 && !r.Container && r.Lexeme is null) Visit(r);
    }

    /// <summary>Pointer of a required part that has no value, found by following required parts from the root.</summary>
    private string? FirstImpossible(int root)
    {
        var seen = new HashSet<int>();
        var r = _rules[root];
        while (seen.Add(r.Id))
        {
            if (r.Start < 0 && r.Lexeme is null) return r.Pointer;
            var next = r.Container
                ? (_requiredCalls.GetValueOrDefault(r.Id) ?? []).FirstOrDefault(c => _rules[c].MinDepth == int.MaxValue, -1)
                : r.Alternatives.FirstOrDefault(-1);
            if (next < 0) return r.Pointer;
            r = _rules[next];
        }
        return r.Pointer;
    }
}
