using System.Globalization;
using System.Text;

namespace InternS1.Text.Jinja;

/// <summary>Runtime values with @huggingface/jinja's semantics (JavaScript numbers, Python-like truthiness).</summary>
internal abstract class Value
{
    public virtual bool Truthy => true;
    /// <summary>What <c>{{ value }}</c> prints.</summary>
    public abstract string Render();
    /// <summary>JavaScript <c>String(value.value)</c> (used by <c>~</c>, <c>+</c> with strings and <c>join</c>).</summary>
    public virtual string JsString() => Render();
    public virtual string TypeName => GetType().Name;
}

internal sealed class UndefinedValue : Value
{
    public static readonly UndefinedValue Instance = new();
    public override bool Truthy => false;
    public override string Render() => "";
    public override string JsString() => "undefined";
    public override string TypeName => "UndefinedValue";
}

internal sealed class NullValue : Value
{
    public static readonly NullValue Instance = new();
    public override bool Truthy => false;
    public override string Render() => "";
    public override string JsString() => "null";
    public override string TypeName => "NullValue";
}

internal sealed class BoolValue(bool value) : Value
{
    public static readonly BoolValue True = new(true), False = new(false);
    public bool Value { get; } = value;
    public static BoolValue Of(bool b) => b ? True : False;
    public override bool Truthy => Value;
    public override string Render() => Value ? "true" : "false";
    public override string TypeName => "BooleanValue";
}

internal sealed class NumberValue(double value, bool isFloat) : Value
{
    public double Value { get; } = value;
    public bool IsFloat { get; } = isFloat;
    public override bool Truthy => Value != 0 && !double.IsNaN(Value);
    public override string Render()
    {
        if (!IsFloat) return JsNumber.ToString(Value);
        if (Value == 0 && double.IsNegative(Value)) return "-0.0";
        return Value % 1 == 0 ? Value.ToString("F1", CultureInfo.InvariantCulture) : JsNumber.ToString(Value);
    }
    public override string JsString() => JsNumber.ToString(Value);
    public override string TypeName => IsFloat ? "FloatValue" : "IntegerValue";
}

internal sealed class StringValue(string value) : Value
{
    public string Value { get; } = value;
    public override bool Truthy => Value.Length > 0;
    public override string Render() => Value;
    public override string TypeName => "StringValue";
}

internal class ArrayValue(List<Value> items) : Value
{
    public List<Value> Items { get; } = items;
    public override bool Truthy => Items.Count > 0;
    public override string Render() => JsonWriter.Write(this, new JsonWriter.Options(), 0, convertUndefinedToNull: false);
    // NOTE: JavaScript's Array toString joins the elements' RuntimeValue.toString(), so null prints "null".
    public override string JsString() => string.Join(",", Items.Select(i => i switch { NullValue => "null", UndefinedValue => "undefined", _ => i.Render() }));
    public override string TypeName => "ArrayValue";
}

internal sealed class TupleValue(List<Value> items) : ArrayValue(items)
{
    public override string TypeName => "TupleValue";
}

internal enum ObjectKind { Object, KeywordArguments, Namespace }

internal sealed class ObjectValue(Dictionary<string, Value> map, List<string> order, ObjectKind kind = ObjectKind.Object) : Value
{
    private readonly Dictionary<string, Value> _map = map;
    private readonly List<string> _order = order;

    public ObjectValue(ObjectKind kind = ObjectKind.Object) : this(new Dictionary<string, Value>(), new List<string>(), kind) { }

    public ObjectKind Kind { get; } = kind;
    public int Count => _map.Count;
    public IEnumerable<KeyValuePair<string, Value>> Entries => _order.Select(k => new KeyValuePair<string, Value>(k, _map[k]));
    public IEnumerable<string> Keys => _order;
    public bool Has(string key) => _map.ContainsKey(key);
    public Value? Get(string key) => _map.TryGetValue(key, out var v) ? v : null;
    public void Set(string key, Value value)
    {
        if (!_map.ContainsKey(key)) _order.Add(key);
        _map[key] = value;
    }
    public void Remove(string key)
    {
        if (_map.Remove(key)) _order.Remove(key);
    }
    public override bool Truthy => Kind == ObjectKind.Namespace || _map.Count > 0;
    public override string Render() => JsonWriter.Write(this, new JsonWriter.Options(), 0, convertUndefinedToNull: false);
    public override string JsString() => "[object Map]";
    public override string TypeName => Kind switch { ObjectKind.Namespace => "NamespaceValue", ObjectKind.KeywordArguments => "KeywordArgumentsValue", _ => "ObjectValue" };
}

internal sealed class FunctionValue(Func<List<Value>, Scope, Value> fn) : Value
{
    public Func<List<Value>, Scope, Value> Invoke { get; } = fn;
    public override string Render() => "function";
    public override string TypeName => "FunctionValue";
}

/// <summary>JavaScript's Number-to-string conversion.</summary>
internal static class JsNumber
{
    public static string ToString(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsPositiveInfinity(d)) return "Infinity";
        if (double.IsNegativeInfinity(d)) return "-Infinity";
        if (d == 0) return "0";
        var negative = d < 0;
        var r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture); // shortest round-trip digits
        var exp = 0;
        var ePos = r.IndexOf('E');
        if (ePos >= 0) { exp = int.Parse(r[(ePos + 1)..], CultureInfo.InvariantCulture); r = r[..ePos]; }
        var dot = r.IndexOf('.');
        var intPart = dot >= 0 ? r[..dot] : r;
        var all = intPart + (dot >= 0 ? r[(dot + 1)..] : "");
        var pointPos = intPart.Length + exp;
        var digits = all.TrimStart('0');
        pointPos -= all.Length - digits.Length;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) return "0";
        var intLen = pointPos;
        var n = intLen; // decimal point position relative to digits
        var k = digits.Length;
        var sb = new StringBuilder(negative ? "-" : "");
        if (k <= n && n <= 21) sb.Append(digits).Append('0', n - k);
        else if (0 < n && n <= 21) sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        else if (-6 < n && n <= 0) sb.Append("0.").Append('0', -n).Append(digits);
        else
        {
            var e = n - 1;
            sb.Append(digits[0]);
            if (k > 1) sb.Append('.').Append(digits, 1, k - 1);
            sb.Append('e').Append(e >= 0 ? "+" : "-").Append(Math.Abs(e));
        }
        return sb.ToString();
    }
}
