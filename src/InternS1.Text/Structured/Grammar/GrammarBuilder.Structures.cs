using InternS1.Text.Structured.Automata;
using InternS1.Text.Structured.Schema;

namespace InternS1.Text.Structured.Grammar;

internal sealed partial class GrammarBuilder
{
    private int _anyObject = -1, _anyArray = -1;

    /// <summary>
    /// <c>{</c> then the properties in schema order, each optional one skippable, each required one present, then (with
    /// an <c>additionalProperties</c> schema) any number of extra keys not among the declared ones, then <c>}</c>.
    /// Node <c>P[i]</c> is "property i was the last written" (<c>P[-1]</c>: none yet); the next property j must have no
    /// required property between i and j.
    /// </summary>
    private void BuildObject(GrammarRule rule, SchemaNode n)
    {
        var props = n.Properties.ToList();
        foreach (var name in n.Required)
        {
            if (props.Any(p => p.Name == name)) continue;
            if (n.AdditionalPropertiesFalse)
                throw Error(n.Pointer + "/required", $"required property '{name}' is not in 'properties' and 'additionalProperties' is false");
            props.Add((name, n.AdditionalProperties ?? new SchemaNode(n.Pointer + "/required")));
        }
        var required = props.Select(p => n.Required.Contains(p.Name)).ToArray();
        var count = props.Count;
        rule.Container = true;
        rule.Start = NewNode();
        var end = NewNode();
        _nodes[end].Final = true;
        var after = new int[count + 1]; // after[i + 1] = P[i]
        for (var i = 0; i <= count; i++) after[i] = i == 0 ? Punct(rule.Start, '{') : NewNode();
        var keyNodes = new int[count];
        var colons = new int[count];
        var valueRules = props.Select(p => RuleFor(p.Schema)).ToArray();
        var reqCalls = new List<int>();
        for (var j = 0; j < count; j++)
        {
            var key = NewRule(n.Pointer + "/properties");
            key.Lexeme = LiteralLexeme("lit:" + Convert.ToBase64String(CanonicalJson.StringBytes(props[j].Name)), [CanonicalJson.StringBytes(props[j].Name)], n.Pointer);
            var colon = NewNode();
            keyNodes[j] = key.Id;
            var value = Punct(colon, ':');
            Call(value, valueRules[j], after[j + 1]);
            colons[j] = colon;
            if (required[j]) reqCalls.Add(valueRules[j]);
        }
        _requiredCalls[rule.Id] = reqCalls;
        int? extraKey = null, extraValue = null, extraAfter = null;
        if (n.AdditionalProperties is { } extra && !n.AdditionalPropertiesFalse)
        {
            var keyRule = NewRule(n.Pointer + "/additionalProperties");
            var names = n.Properties.Select(p => p.Name).ToList();
            var signature = "keys-except:" + string.Join('\u0001', names);
            keyRule.Lexeme = new Lexeme(_lexemes.Get(signature, () => JsonStringAutomaton.Build(LiteralAutomaton.AllExcept(names, CharSet.Scalars), StringCounting.None))!);
            extraKey = keyRule.Id;
            extraValue = RuleFor(extra);
            extraAfter = NewNode();
        }
        for (var i = -1; i < count; i++)
        {
            var here = after[i + 1];
            var next = new List<int>();
            for (var j = i + 1; j < count; j++)
            {
                next.Add(j);
                if (required[j]) break;
            }
            var canClose = !required.Skip(i + 1).Any(r => r);
            if (canClose) Edge(here, '}', end);
            var extrasHere = canClose && extraKey is not null;
            if (next.Count == 0 && !extrasHere) continue;
            var keysFrom = i < 0 ? here : Punct(here, ',');
            foreach (var j in next) Call(keysFrom, keyNodes[j], colons[j]);
            if (extrasHere) Call(keysFrom, extraKey!.Value, ExtraColon(extraValue!.Value, extraAfter!.Value));
        }
        if (extraAfter is { } xa)
        {
            Edge(xa, '}', end);
            Call(Punct(xa, ','), extraKey!.Value, ExtraColon(extraValue!.Value, xa));
        }
    }

    private readonly Dictionary<(int Value, int After), int> _extraColon = new();

    private int ExtraColon(int valueRule, int afterNode)
    {
        if (_extraColon.TryGetValue((valueRule, afterNode), out var colon)) return colon;
        colon = NewNode();
        Call(Punct(colon, ':'), valueRule, afterNode);
        return _extraColon[(valueRule, afterNode)] = colon;
    }

    /// <summary><c>[</c>, items (position k reads <c>prefixItems[k]</c>, later ones <c>items</c>) separated by commas,
    /// between <c>minItems</c> and <c>maxItems</c> of them, <c>]</c>. Positions are unrolled up to the bounds; past
    /// them a loop.</summary>
    private void BuildArray(GrammarRule rule, SchemaNode n)
    {
        var prefix = n.PrefixItems.Select(RuleFor).ToArray();
        int? itemRule = n.Items is { } items && !n.ItemsFalse ? RuleFor(items) : null;
        if (n.Items is null && !n.ItemsFalse && n.PrefixItems.Count == 0) itemRule = AnyValue();
        long maxLen = itemRule is null ? Math.Min(prefix.Length, n.MaxItems ?? int.MaxValue) : n.MaxItems ?? long.MaxValue;
        if (n.MinItems > maxLen)
            throw Error(n.Pointer + "/minItems", $"minItems ({n.MinItems}) is more than the {maxLen} items the schema allows");
        int Elem(int k) => k < prefix.Length ? prefix[k] : itemRule!.Value;
        rule.Container = true;
        rule.Start = NewNode();
        var end = NewNode();
        _nodes[end].Final = true;
        var first = Punct(rule.Start, '[');
        var reqCalls = new List<int>();
        for (var k = 0; k < n.MinItems; k++) reqCalls.Add(Elem(k));
        _requiredCalls[rule.Id] = reqCalls.Distinct().ToList();
        if (n.MinItems == 0) Edge(first, ']', end);
        if (maxLen == 0) return;
        var unroll = maxLen == long.MaxValue ? Math.Max(Math.Max(prefix.Length, n.MinItems), 1) : (int)maxLen;
        var nodesAfter = new int[unroll + 1];
        for (var k = 1; k <= unroll; k++) nodesAfter[k] = NewNode();
        Call(first, Elem(0), nodesAfter[1]);
        for (var k = 1; k <= unroll; k++)
        {
            var here = nodesAfter[k];
            if (k >= n.MinItems) Edge(here, ']', end);
            if (k < maxLen) Call(Punct(here, ','), Elem(k), k < unroll ? nodesAfter[k + 1] : here);
        }
    }

    /// <summary>Any JSON value (empty schemas, <c>json_object</c> mode): a recursive union of any object, any array,
    /// string, number, booleans and null; limited only by the nesting budget.</summary>
    private int AnyValue()
    {
        if (_anyValue >= 0) return _anyValue;
        var value = NewRule("");
        _anyValue = value.Id;
        var str = NewRule("");
        str.Lexeme = new Lexeme(_lexemes.Get("str:plain", () => JsonStringAutomaton.Build(Universe(CharSet.Scalars), StringCounting.None))!);
        var num = NewRule("");
        num.Lexeme = new Lexeme(_lexemes.Get("num:False:::", () => NumberAutomaton.Unconstrained(false))!);
        var lit = NewRule("");
        lit.Lexeme = LiteralLexeme("lit:true|false|null", [.. new[] { "true", "false", "null" }.Select(System.Text.Encoding.UTF8.GetBytes)], "");
        var obj = NewRule("");
        obj.Container = true;
        obj.Start = NewNode();
        var objEnd = NewNode();
        _nodes[objEnd].Final = true;
        var open = Punct(obj.Start, '{');
        Edge(open, '}', objEnd);
        var colon = NewNode();
        var afterValue = NewNode();
        Call(open, str.Id, colon);
        Call(Punct(colon, ':'), value.Id, afterValue);
        Edge(afterValue, '}', objEnd);
        Call(Punct(afterValue, ','), str.Id, colon);
        _requiredCalls[obj.Id] = [];
        var arr = NewRule("");
        arr.Container = true;
        arr.Start = NewNode();
        var arrEnd = NewNode();
        _nodes[arrEnd].Final = true;
        var lb = Punct(arr.Start, '[');
        Edge(lb, ']', arrEnd);
        var afterItem = NewNode();
        Call(lb, value.Id, afterItem);
        Edge(afterItem, ']', arrEnd);
        Call(Punct(afterItem, ','), value.Id, afterItem);
        _requiredCalls[arr.Id] = [];
        MakeUnion(value, [obj.Id, arr.Id, str.Id, num.Id, lit.Id]);
        _anyObject = obj.Id;
        _anyArray = arr.Id;
        return value.Id;
    }

    private static RangeDfa Universe(CharSet chars) =>
        new([[.. chars.Ranges.Select(r => new RangeDfa.Transition(r.Lo, r.Hi, 0, EdgeTags.None))]], [true], 0);

    private Lexeme StringLexeme(SchemaNode n)
    {
        if (n.Pattern is null && n.Format is null)
        {
            var counting = n.MinLength >= 2 ? StringCounting.CountedSet : n.MinLength > 0 || n.MaxLength is not null ? StringCounting.AllChars : StringCounting.None;
            var table = _lexemes.Get("str:" + counting, () => JsonStringAutomaton.Build(Universe(CharSet.Scalars), counting))!;
            return new Lexeme(table, n.MinLength, n.MaxLength ?? Lexeme.Unbounded);
        }
        var signature = $"pat:{n.Pattern}\u0001fmt:{n.Format}\u0001{n.MinLength}\u0001{n.MaxLength}";
        try
        {
            var t = _lexemes.Get(signature, () =>
            {
                var content = Universe(n.MinLength >= 2 ? JsonStringAutomaton.CountedForMinLength.Intersect(CharSet.Scalars) : CharSet.Scalars);
                if (n.Pattern is not null) content = RangeDfa.Intersect(content, RegexNode.Compile(RegexParser.Parse(n.Pattern, CharSet.Bmp)));
                if (n.Format is not null) content = RangeDfa.Intersect(content, RegexNode.Compile(RegexParser.Parse(StringFormats.Pattern(n.Format)!, CharSet.Scalars)));
                return JsonStringAutomaton.Build(content.WithLength(n.MinLength, n.MaxLength), StringCounting.None);
            });
            return new Lexeme(t ?? throw Error(n.Pointer, "no string satisfies 'pattern', 'format', 'minLength' and 'maxLength' together"));
        }
        catch (AutomatonTooLargeException e)
        {
            throw Error(n.Pointer, $"'pattern'/'format' with these lengths is too complex: {e.Message}");
        }
    }
}
