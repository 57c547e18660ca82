using System.Text;
using System.Text.Json;
using InternS1.Text.Structured.Automata;
using InternS1.Text.Structured.Schema;

namespace InternS1.Text.Structured.Grammar;

/// <summary>
/// Turns <see cref="SchemaNode"/>s into a <see cref="GrammarGraph"/>: scalars become lexemes, objects and arrays
/// structural rules, unions rules that call each alternative. One rule per schema node (so <c>$ref</c> recursion is a
/// cycle of calls); then the least nesting budget of every rule is found by a fixpoint, and left recursion (a union
/// that reaches itself without reading a byte) is rejected.
/// </summary>
internal sealed partial class GrammarBuilder
{
    private readonly List<GrammarNode> _nodes = [];
    private readonly List<GrammarRule> _rules = [];
    private readonly Dictionary<SchemaNode, int> _memo = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<SchemaNode> _resolving = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<int, List<int>> _requiredCalls = new();
    private readonly LexemeCache _lexemes;
    private readonly StructuredOutputOptions _options;
    private readonly string _prefix;
    private int _anyValue = -1;

    private GrammarBuilder(LexemeCache lexemes, StructuredOutputOptions options, string prefix)
    {
        _lexemes = lexemes;
        _options = options;
        _prefix = prefix;
    }

    private JsonWhitespace Whitespace => _options.Whitespace;

    /// <summary>The grammar of a JSON Schema.</summary>
    public static GrammarGraph FromSchema(SchemaNode root, LexemeCache lexemes, StructuredOutputOptions options, string prefix)
    {
        var b = new GrammarBuilder(lexemes, options, prefix);
        var rule = b.RuleFor(root);
        return b.Finish(rule, root.Pointer);
    }

    /// <summary>The grammar of <c>json_object</c> mode: any JSON object.</summary>
    public static GrammarGraph JsonObject(LexemeCache lexemes, StructuredOutputOptions options, string prefix)
    {
        var b = new GrammarBuilder(lexemes, options, prefix);
        b.AnyValue();
        return b.Finish(b._anyObject, "");
    }

    private StructuredSchemaException Error(string pointer, string problem) => new(_prefix + pointer, problem);

    private int NewNode()
    {
        if (_nodes.Count >= _options.MaxGrammarNodes)
            throw Error("", $"the schema is too large: its grammar would have more than {_options.MaxGrammarNodes} nodes");
        _nodes.Add(new GrammarNode());
        return _nodes.Count - 1;
    }

    private GrammarRule NewRule(string pointer)
    {
        var r = new GrammarRule(_rules.Count, pointer);
        _rules.Add(r);
        return r;
    }

    private void Edge(int from, char c, int to) =>
        _nodes[from].Edges = [.. _nodes[from].Edges, ((byte)c, (byte)c, to)];

    private void Call(int from, int rule, int ret) => _nodes[from].Calls = [.. _nodes[from].Calls, (rule, ret)];

    /// <summary>Adds punctuation <paramref name="c"/> from <paramref name="from"/> (plus the space the policy puts after
    /// <c>:</c> and <c>,</c>) and returns the node after it.</summary>
    private int Punct(int from, char c)
    {
        var to = NewNode();
        Edge(from, c, to);
        if (Whitespace == JsonWhitespace.Compact || c is not (':' or ',')) return to;
        var space = NewNode();
        Edge(to, ' ', space);
        return space;
    }

    private int RuleFor(SchemaNode n)
    {
        if (_memo.TryGetValue(n, out var id)) return id;
        if (n.Alias is not null)
        {
            if (!_resolving.Add(n)) throw Error(n.AliasPointer ?? n.Pointer, "circular $ref: the schema refers to itself without any JSON structure in between");
            id = RuleFor(n.Alias);
            _resolving.Remove(n);
            _memo[n] = id;
            return id;
        }
        var rule = NewRule(n.Pointer);
        _memo[n] = rule.Id;
        if (n.Nothing) return rule.Id; // never callable: MinDepth stays infinite
        if (n.AnyOf is not null) MakeUnion(rule, n.AnyOf.Select(RuleFor).ToList());
        else if (n.Enum is not null) rule.Lexeme = Literals(n);
        else if (!n.HasType && n.KeywordTypes == JsonTypes.None) MakeUnion(rule, [AnyValue()]);
        else
        {
            var parts = new List<int>();
            foreach (var t in new[] { JsonTypes.Object, JsonTypes.Array, JsonTypes.String, JsonTypes.Number, JsonTypes.Integer, JsonTypes.Boolean, JsonTypes.Null })
                if ((n.Types & t) != 0) parts.Add(TypedRule(n, t));
            if (parts.Count == 1) CopyInto(rule, _rules[parts[0]]);
            else MakeUnion(rule, parts);
        }
        return rule.Id;
    }

    private void CopyInto(GrammarRule target, GrammarRule source)
    {
        if (_requiredCalls.TryGetValue(source.Id, out var calls)) _requiredCalls[target.Id] = calls;
        target.Lexeme = source.Lexeme;
        target.Start = source.Start;
        target.Container = source.Container;
        target.Alternatives.AddRange(source.Alternatives);
    }

    private void MakeUnion(GrammarRule rule, List<int> alternatives)
    {
        var start = NewNode();
        var end = NewNode();
        _nodes[end].Final = true;
        foreach (var alt in alternatives.Distinct()) Call(start, alt, end);
        rule.Start = start;
        rule.Alternatives.AddRange(alternatives.Distinct());
    }

    private int TypedRule(SchemaNode n, JsonTypes type)
    {
        var rule = NewRule(n.Pointer);
        switch (type)
        {
            case JsonTypes.Object when n.Properties.Count == 0 && n.Required.Count == 0 && n.AdditionalProperties is null && !n.AdditionalPropertiesFalse:
                AnyValue();
                CopyInto(rule, _rules[_anyObject]);
                break;
            case JsonTypes.Object: BuildObject(rule, n); break;
            case JsonTypes.Array: BuildArray(rule, n); break;
            case JsonTypes.String: rule.Lexeme = StringLexeme(n); break;
            case JsonTypes.Number or JsonTypes.Integer: rule.Lexeme = NumberLexeme(n, type == JsonTypes.Integer); break;
            case JsonTypes.Boolean: rule.Lexeme = LiteralLexeme("lit:true|false", [Encoding.UTF8.GetBytes("true"), Encoding.UTF8.GetBytes("false")], n.Pointer); break;
            default: rule.Lexeme = LiteralLexeme("lit:null", [Encoding.UTF8.GetBytes("null")], n.Pointer); break;
        }
        return rule.Id;
    }

    private Lexeme LiteralLexeme(string signature, List<byte[]> literals, string pointer) =>
        new(_lexemes.Get(signature, () => LiteralAutomaton.Bytes(literals)) ?? throw Error(pointer, "no value is allowed"));

    private Lexeme Literals(SchemaNode n)
    {
        var values = n.Enum!.Where(v => n.Types == JsonTypes.All || (n.Types & TypeOf(v)) != 0).ToList();
        if (values.Count == 0) throw Error(n.Pointer, "no 'enum'/'const' value has an allowed 'type'");
        var bytes = values.Select(v => CanonicalJson.Bytes(v, Whitespace)).ToList();
        var signature = "lit:" + string.Join('\u0001', bytes.Select(Convert.ToBase64String));
        return LiteralLexeme(signature, bytes, n.Pointer);
    }

    private static JsonTypes TypeOf(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => JsonTypes.Object,
        JsonValueKind.Array => JsonTypes.Array,
        JsonValueKind.String => JsonTypes.String,
        JsonValueKind.Number => DecimalValue.Parse(v.GetRawText()).IsInteger ? JsonTypes.Number | JsonTypes.Integer : JsonTypes.Number,
        JsonValueKind.True or JsonValueKind.False => JsonTypes.Boolean,
        _ => JsonTypes.Null,
    };

    private Lexeme NumberLexeme(SchemaNode n, bool integer)
    {
        var lower = n.Lower;
        var upper = n.Upper;
        var frac = integer ? 0 : n.MaxFractionDigits;
        if (integer)
        {
            if (lower is { } l) lower = new NumberBound(l.Value.IsInteger ? (l.Inclusive ? l.Value : l.Value.AddInteger(1)) : l.Value.Ceiling(), true);
            if (upper is { } u) upper = new NumberBound(u.Value.IsInteger ? (u.Inclusive ? u.Value : u.Value.AddInteger(-1)) : u.Value.Floor(), true);
        }
        var signature = $"num:{integer}:{Describe(lower)}:{Describe(upper)}:{frac}";
        var table = _lexemes.Get(signature, () => lower is null && upper is null && frac is null
            ? NumberAutomaton.Unconstrained(integer)
            : NumberAutomaton.Range(lower, upper, frac));
        return new Lexeme(table ?? throw Error(n.Pointer, integer ? "no integer lies within the bounds" : "no number lies within the bounds"));
    }

    private static string Describe(NumberBound? b) => b is { } v ? (v.Inclusive ? "[" : "(") + v.Value : "";
}
