namespace InternS1.Text.Jinja;

/// <summary>A variable scope (template globals, a for-loop body, a macro call) with a parent chain.</summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Scope? _parent = parent;
    private readonly Dictionary<string, Value> _variables = new(StringComparer.Ordinal);

    public void Set(string name, Value value) => _variables[name] = value;

    public Value Lookup(string name)
    {
        for (var s = this; s is not null; s = s._parent)
            if (s._variables.TryGetValue(name, out var v)) return v;
        return UndefinedValue.Instance;
    }
}
