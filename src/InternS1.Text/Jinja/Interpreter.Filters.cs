using System.Globalization;

namespace InternS1.Text.Jinja;

internal sealed partial class Interpreter
{
    private Value ApplyFilter(Value operand, Node filterNode, Scope scope)
    {
        if (filterNode is IdentifierNode id) return ApplySimpleFilter(operand, id.Value, filterNode);
        if (filterNode is not CallNode { Callee: IdentifierNode callee } call) throw Fail(filterNode, "unknown filter");
        var name = callee.Value;
        var (args, kwargs) = EvaluateArguments(call.Args, scope);
        Value? Opt(int i, string key) => args.ElementAtOrDefault(i) ?? kwargs.Get(key);
        switch (name)
        {
            case "tojson":
            {
                var indent = kwargs.Get("indent") ?? NullValue.Instance;
                if (indent is not (NumberValue { IsFloat: false } or NullValue)) throw Fail(filterNode, "tojson: indent must be a number");
                var ensureAscii = kwargs.Get("ensure_ascii") ?? BoolValue.False;
                var sortKeys = kwargs.Get("sort_keys") ?? BoolValue.False;
                if (ensureAscii is not BoolValue ea || sortKeys is not BoolValue sk) throw Fail(filterNode, "tojson: ensure_ascii and sort_keys must be booleans");
                (string, string)? separators = null;
                var sepArg = kwargs.Get("separators") ?? NullValue.Instance;
                if (sepArg is ArrayValue { Items: [StringValue item, StringValue key] }) separators = (item.Value, key.Value);
                else if (sepArg is not NullValue) throw Fail(filterNode, "tojson: separators must be a tuple of two strings");
                return JsonWriter.WriteValue(operand, new JsonWriter.Options(indent is NumberValue n ? (int)n.Value : null, ea.Value, separators, sk.Value));
            }
            case "join":
            {
                // A string joins its UTF-16 characters.
                var values = operand switch
                {
                    StringValue s => Enumerable.Range(0, s.Value.Length).Select(i => (Value)s.Substring(i, 1)).ToList(),
                    ArrayValue a => a.Items,
                    _ => throw Fail(filterNode, $"cannot apply filter \"join\" to type: {operand.TypeName}"),
                };
                if ((Opt(0, "separator") ?? new StringValue("")) is not StringValue sep) throw Fail(filterNode, "join: separator must be a string");
                return Join(values, sep);
            }
            case "int" or "float":
            {
                var fallback = Opt(0, "default") ?? new NumberValue(0, name == "float");
                return operand switch
                {
                    StringValue s => ParseNumber(s.Value, name == "int") is { } d ? new NumberValue(d, name == "float") : fallback,
                    NumberValue => operand,
                    BoolValue b => new NumberValue(b.Value ? 1 : 0, name == "float"),
                    _ => throw Fail(filterNode, $"cannot apply filter \"{name}\" to type: {operand.TypeName}"),
                };
            }
            case "default":
            {
                var fallback = args.ElementAtOrDefault(0) ?? new StringValue("");
                if ((args.ElementAtOrDefault(1) ?? kwargs.Get("boolean") ?? BoolValue.False) is not BoolValue boolean) throw Fail(filterNode, "default: the flag must be a boolean");
                return operand is UndefinedValue || (boolean.Value && !operand.Truthy) ? fallback : operand;
            }
        }
        if (operand is ArrayValue array)
        {
            switch (name)
            {
                case "sort":
                {
                    var reverse = Opt(0, "reverse") ?? BoolValue.False;
                    var caseSensitive = Opt(1, "case_sensitive") ?? BoolValue.False;
                    var attribute = Opt(2, "attribute") ?? NullValue.Instance;
                    if (reverse is not BoolValue rv || caseSensitive is not BoolValue cs) throw Fail(filterNode, "sort: reverse and case_sensitive must be booleans");
                    Value Key(Value item) => attribute switch
                    {
                        NullValue => item,
                        StringValue s => AttributeValue(item, s.Value),
                        NumberValue n => AttributeValue(item, JsNumber.ToString(n.Value)),
                        _ => throw Fail(filterNode, "sort: attribute must be a string, integer or null"),
                    };
                    return new ArrayValue(StableSort(array.Items, (a, b) => (rv.Value ? -1 : 1) * Compare(Key(a), Key(b), cs.Value)));
                }
                case "selectattr" or "rejectattr":
                {
                    var select = name == "selectattr";
                    if (array.Items.Any(i => i is not ObjectValue)) throw Fail(filterNode, $"`{name}` can only be applied to an array of objects");
                    if (call.Args.Any(a => a is not StringLiteral)) throw Fail(filterNode, $"arguments of `{name}` must be strings");
                    var attr = ((StringValue)args[0]).Value;
                    var testName = args.ElementAtOrDefault(1) as StringValue;
                    var testValue = args.ElementAtOrDefault(2);
                    bool Test(Value v) => testName is null ? v.Truthy : testName.Value switch
                    {
                        "equalto" or "eq" => StrictEqualsRaw(v, testValue ?? UndefinedValue.Instance),
                        "defined" => v is not UndefinedValue,
                        "undefined" => v is UndefinedValue,
                        "none" => v is NullValue,
                        "string" => v is StringValue,
                        "true" => v is BoolValue { Value: true },
                        "false" => v is BoolValue { Value: false },
                        _ => throw Fail(filterNode, $"unknown test '{testName.Value}' in {name}"),
                    };
                    return new ArrayValue(array.Items.Where(item =>
                    {
                        var a = ((ObjectValue)item).Get(attr);
                        var result = a is not null && Test(a);
                        return select ? result : !result;
                    }).ToList());
                }
                case "map":
                {
                    if (kwargs.Get("attribute") is not StringValue attr) throw Fail(filterNode, "`map` without `attribute` is not supported");
                    var fallback = kwargs.Get("default");
                    return new ArrayValue(array.Items.Select(item =>
                    {
                        if (item is not ObjectValue) throw Fail(filterNode, "items in map must be objects");
                        var v = AttributeValue(item, attr.Value);
                        return v is UndefinedValue ? fallback ?? UndefinedValue.Instance : v;
                    }).ToList());
                }
            }
            throw Fail(filterNode, $"unknown filter '{name}' for an array");
        }
        if (operand is StringValue str)
        {
            switch (name)
            {
                case "indent":
                {
                    if ((Opt(0, "width") ?? new NumberValue(4, false)) is not NumberValue { IsFloat: false } width) throw Fail(filterNode, "indent: width must be a number");
                    var first = (Opt(1, "first") ?? BoolValue.False).Truthy;
                    var blank = (Opt(2, "blank") ?? BoolValue.False).Truthy;
                    return Indent(str, new string(' ', (int)width.Value), first, blank);
                }
                case "replace":
                {
                    var fn = (FunctionValue)StringBuiltin(str, "replace")!;
                    return fn.Invoke([.. args, kwargs], scope);
                }
            }
            throw Fail(filterNode, $"unknown filter '{name}' for a string");
        }
        if (operand is ObjectValue { Kind: not ObjectKind.Namespace } obj && ObjectBuiltin(obj, name) is FunctionValue builtin)
        {
            if (kwargs.Count > 0) args.Add(kwargs);
            return builtin.Invoke(args, scope);
        }
        throw Fail(filterNode, $"cannot apply filter \"{name}\" to type: {operand.TypeName}");
    }

    private Value ApplySimpleFilter(Value operand, string name, Node at)
    {
        if (name == "safe") return operand;
        if (name == "tojson") return JsonWriter.WriteValue(operand, new JsonWriter.Options());
        switch (operand)
        {
            case ArrayValue a:
                return name switch
                {
                    "list" => operand,
                    "first" => a.Items.Count > 0 ? a.Items[0] : UndefinedValue.Instance,
                    "last" => a.Items.Count > 0 ? a.Items[^1] : UndefinedValue.Instance,
                    "length" => new NumberValue(a.Items.Count, false),
                    "reverse" => new ArrayValue(Enumerable.Reverse(a.Items).ToList()),
                    "sort" => new ArrayValue(StableSort(a.Items, (x, y) => Compare(x, y, false))),
                    "join" => Join(a.Items, new StringValue("")),
                    "string" => JsonWriter.WriteValue(a, new JsonWriter.Options(), 0, convertUndefinedToNull: false),
                    "unique" => new ArrayValue(a.Items.Where((x, i) => !a.Items.Take(i).Any(y => StrictEqualsRaw(x, y))).ToList()),
                    _ => throw Fail(at, $"unknown filter '{name}' for an array"),
                };
            case StringValue s:
                switch (name)
                {
                    case "length" or "upper" or "lower" or "title" or "capitalize":
                        var b = StringBuiltin(s, name)!;
                        return b is FunctionValue f ? f.Invoke([], new Scope(null)) : b;
                    case "trim": return Trim(s, start: true, end: true);
                    case "indent": return Indent(s, "    ", first: false, blank: false);
                    case "join" or "string": return s;
                    case "int": return new NumberValue(ParseNumber(s.Value, true) ?? 0, false);
                    case "float": return new NumberValue(ParseNumber(s.Value, false) ?? 0, true);
                    default: throw Fail(at, $"unknown filter '{name}' for a string");
                }
            case NumberValue n:
                return name switch
                {
                    "abs" => new NumberValue(Math.Abs(n.Value), n.IsFloat),
                    "int" => new NumberValue(Math.Floor(n.Value), false),
                    "float" => new NumberValue(n.Value, true),
                    "string" => new StringValue(n.Render()),
                    _ => throw Fail(at, $"unknown filter '{name}' for a number"),
                };
            case ObjectValue { Kind: not ObjectKind.Namespace } o:
                if (name == "items") return Items(o);
                if (name == "length") return new NumberValue(o.Count, false);
                return ObjectBuiltin(o, name) switch
                {
                    FunctionValue f => f.Invoke([], new Scope(null)),
                    { } v => v,
                    null => throw Fail(at, $"unknown filter '{name}' for an object"),
                };
            case BoolValue bo:
                return name switch
                {
                    "bool" => bo,
                    "int" => new NumberValue(bo.Value ? 1 : 0, false),
                    "float" => new NumberValue(bo.Value ? 1 : 0, true),
                    "string" => new StringValue(bo.Value ? "true" : "false"),
                    _ => throw Fail(at, $"unknown filter '{name}' for a boolean"),
                };
        }
        throw Fail(at, $"cannot apply filter \"{name}\" to type: {operand.TypeName}");
    }

    /// <summary>JavaScript Array.join: each element's underlying value as a string (null and undefined as nothing).</summary>
    private static StringValue Join(List<Value> items, StringValue separator)
    {
        var output = new TextBuilder();
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) output.Append(separator);
            if (items[i] is not (NullValue or UndefinedValue)) items[i].JsStringTo(output);
        }
        return output.ToValue();
    }

    /// <summary>Jinja's indent: every line but the first (unless <paramref name="first"/>) and blank ones (unless
    /// <paramref name="blank"/>) gets <paramref name="pad"/> in front.</summary>
    private static StringValue Indent(StringValue s, string pad, bool first, bool blank)
    {
        var v = s.Value;
        var output = new TextBuilder();
        var start = 0;
        for (var line = 0; ; line++)
        {
            var end = v.IndexOf('\n', start);
            var length = (end < 0 ? v.Length : end) - start;
            if (!((!first && line == 0) || (!blank && length == 0))) output.Append(pad);
            output.Append(s, start, length);
            if (end < 0) break;
            output.Append(s, end, 1);
            start = end + 1;
        }
        return output.ToValue();
    }

    private static bool StrictEqualsRaw(Value a, Value b) => StrictEquals(a, b);

    /// <summary>JavaScript truthiness of the underlying value (<c>a ? ... : false</c> in selectattr).</summary>
    private static bool IsJsTruthyRaw(Value v) => v switch
    {
        NullValue or UndefinedValue => false,
        BoolValue b => b.Value,
        NumberValue n => n.Value != 0 && !double.IsNaN(n.Value),
        _ => true, // RuntimeValue objects are always truthy in JS
    };

    private static Value AttributeValue(Value item, string path)
    {
        var value = item;
        foreach (var part in path.Split('.'))
        {
            if (value is ObjectValue o) value = o.Get(part) ?? UndefinedValue.Instance;
            else if (value is ArrayValue a && int.TryParse(part, out var i) && i >= 0 && i < a.Items.Count) value = a.Items[i];
            else return UndefinedValue.Instance;
        }
        return value;
    }

    /// <summary>JavaScript parseInt(s, 10) / parseFloat(s); null when NaN.</summary>
    private static double? ParseNumber(string s, bool integer)
    {
        var t = Lexer.JsTrimStart(s);
        var m = System.Text.RegularExpressions.Regex.Match(t, integer ? @"^[+-]?\d+" : @"^[+-]?(Infinity|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)");
        if (!m.Success) return null;
        if (m.Value.EndsWith("Infinity", StringComparison.Ordinal)) return m.Value.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity;
        return double.Parse(m.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
