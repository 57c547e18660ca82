using System.Globalization;
using System.Text;
using InternS1.Text.Tokenization;

namespace InternS1.Text.Jinja;

/// <summary>Runtime values with @huggingface/jinja's semantics (JavaScript numbers, Python-like truthiness).</summary>
internal abstract class Value
{
    public virtual bool Truthy => true;
    /// <summary>What <c>{{ value }}</c> prints.</summary>
    public abstract string Render();
    /// <summary>JavaScript <c>String(value.value)</c> (used by <c>~</c>, <c>+</c> with strings and <c>join</c>).</summary>
    public virtual string JsString() => Render();
    /// <summary><see cref="Render"/> into <paramref name="output"/>, keeping content spans.</summary>
    public virtual void RenderTo(TextBuilder output) => output.Append(Render());
    /// <summary><see cref="JsString"/> into <paramref name="output"/>, keeping content spans.</summary>
    public virtual void JsStringTo(TextBuilder output) => output.Append(JsString());
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

/// <summary>A string, with the runs of it that came from content (<see cref="Spans"/>, null when it is all template
/// text). Every operation that builds a string from strings carries the spans over (see TextBuilder).</summary>
internal sealed class StringValue(string value, ContentSpan[]? spans = null) : Value
{
    private SegmentedText? _segmented;

    public string Value { get; } = value;
    public ContentSpan[]? Spans { get; } = spans is { Length: > 0 } ? spans : null;
    public SegmentedText Segmented => _segmented ??= new SegmentedText(Value, Spans ?? [], trusted: true);
    public override bool Truthy => Value.Length > 0;
    public override string Render() => Value;
    public override void RenderTo(TextBuilder output) => output.Append(this);
    public override void JsStringTo(TextBuilder output) => output.Append(this);
    public override string TypeName => "StringValue";

    /// <summary>A string that is all content from <paramref name="source"/>.</summary>
    public static StringValue Content(string text, string source) =>
        new(text, text.Length == 0 ? null : [new ContentSpan(0, text.Length, source)]);

    public StringValue Substring(int start, int length) =>
        Spans is null ? new StringValue(Value.Substring(start, length)) : new TextBuilder().Append(this, start, length).ToValue();

    /// <summary>The result of a character-wise transform (upper, lower, title, capitalize): same spans when the length is
    /// unchanged; otherwise all content (from the first source) if any of this string was content.</summary>
    public StringValue Transformed(string text)
    {
        if (Spans is null) return new StringValue(text);
        return text.Length == Value.Length ? new StringValue(text, Spans) : Content(text, Spans[0].Source);
    }
}

internal class ArrayValue(List<Value> items) : Value
{
    public List<Value> Items { get; } = items;
    public override bool Truthy => Items.Count > 0;
    public override string Render() => JsonWriter.Write(this, new JsonWriter.Options(), 0, convertUndefinedToNull: false);
    public override void RenderTo(TextBuilder output) => JsonWriter.WriteTo(output, this, new JsonWriter.Options(), 0, convertUndefinedToNull: false);
    // NOTE: JavaScript's Array toString joins the elements' RuntimeValue.toString(), so null prints "null".
    public override string JsString() => string.Join(",", Items.Select(i => i switch { NullValue => "null", UndefinedValue => "undefined", _ => i.Render() }));
    public override void JsStringTo(TextBuilder output)
    {
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0) output.Append(",");
            if (Items[i] is NullValue) output.Append("null");
            else if (Items[i] is UndefinedValue) output.Append("undefined");
            else Items[i].RenderTo(output);
        }
    }
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
    private Dictionary<string, StringValue>? _contentKeys; // keys that came from content, with their spans

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
    /// <summary>Sets an entry whose key may be content (its spans are kept for rendering the key).</summary>
    public void Set(StringValue key, Value value)
    {
        Set(key.Value, value);
        if (key.Spans is not null) (_contentKeys ??= new Dictionary<string, StringValue>(StringComparer.Ordinal))[key.Value] = key;
        else _contentKeys?.Remove(key.Value);
    }
    /// <summary>The key as a string value, content-marked when it came from content.</summary>
    public StringValue KeyValue(string key) => _contentKeys is not null && _contentKeys.TryGetValue(key, out var k) ? k : new StringValue(key);
    public void Remove(string key)
    {
        if (_map.Remove(key)) _order.Remove(key);
        _contentKeys?.Remove(key);
    }
    public override bool Truthy => Kind == ObjectKind.Namespace || _map.Count > 0;
    public override string Render() => JsonWriter.Write(this, new JsonWriter.Options(), 0, convertUndefinedToNull: false);
    public override void RenderTo(TextBuilder output) => JsonWriter.WriteTo(output, this, new JsonWriter.Options(), 0, convertUndefinedToNull: false);
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
