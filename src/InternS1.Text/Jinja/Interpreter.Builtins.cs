using System.Text.RegularExpressions;

namespace InternS1.Text.Jinja;

internal sealed partial class Interpreter
{
    private static Value Arg(List<Value> args, int i) => i < args.Count ? args[i] : UndefinedValue.Instance;

    private static ObjectValue? Kwargs(List<Value> args) =>
        args.Count > 0 && args[^1] is ObjectValue { Kind: ObjectKind.KeywordArguments } k ? k : null;

    private static List<Value> Positional(List<Value> args) => Kwargs(args) is null ? args : args.Take(args.Count - 1).ToList();

    /// <summary>String methods (<c>x.upper()</c>, <c>x.split(',')</c>, ...) and the <c>length</c> property.</summary>
    private static Value? StringBuiltin(StringValue s, string name)
    {
        var v = s.Value;
        FunctionValue F(Func<List<Value>, Value> f) => new((args, _) => f(args));
        bool Affix(List<Value> args, Func<string, bool> test, string fn) => Arg(args, 0) switch
        {
            StringValue p => test(p.Value),
            ArrayValue a => a.Items.Any(i => i is StringValue si ? test(si.Value) : throw new InvalidOperationException($"{fn}() tuple elements must be strings")),
            _ => throw new InvalidOperationException($"{fn}() argument must be a string or tuple of strings"),
        };
        return name switch
        {
            "upper" => F(_ => new StringValue(v.ToUpperInvariant())),
            "lower" => F(_ => new StringValue(v.ToLowerInvariant())),
            "strip" => F(_ => new StringValue(Lexer.JsTrim(v))),
            "lstrip" => F(_ => new StringValue(Lexer.JsTrimStart(v))),
            "rstrip" => F(_ => new StringValue(Lexer.JsTrimEnd(v))),
            "title" => F(_ => new StringValue(Regex.Replace(v, @"\b\w", m => m.Value.ToUpperInvariant(), RegexOptions.ECMAScript))),
            "capitalize" => F(_ => new StringValue(v.Length == 0 ? v : char.ToUpperInvariant(v[0]) + v[1..])),
            "length" => new NumberValue(v.Length, false),
            "startswith" => F(a => BoolValue.Of(Affix(a, p => v.StartsWith(p, StringComparison.Ordinal), "startswith"))),
            "endswith" => F(a => BoolValue.Of(Affix(a, p => v.EndsWith(p, StringComparison.Ordinal), "endswith"))),
            "split" => F(a => Split(v, Arg(a, 0), Arg(a, 1))),
            "replace" => F(a =>
            {
                if (Arg(a, 0) is not StringValue o || Arg(a, 1) is not StringValue n) throw new InvalidOperationException("replace() arguments must be strings");
                var countArg = a.Count > 2 ? (a[2] is ObjectValue { Kind: ObjectKind.KeywordArguments } kw ? kw.Get("count") ?? NullValue.Instance : a[2]) : NullValue.Instance;
                int? count = countArg switch
                {
                    NumberValue { IsFloat: false } c => (int)c.Value,
                    NullValue => null,
                    _ => throw new InvalidOperationException("replace() count argument must be a number or null"),
                };
                return new StringValue(Replace(v, o.Value, n.Value, count));
            }),
            _ => null,
        };
    }

    private static Value Split(string v, Value sepArg, Value maxArg)
    {
        var sep = sepArg is UndefinedValue ? NullValue.Instance : sepArg;
        var max = maxArg is UndefinedValue ? -1 : maxArg is NumberValue { IsFloat: false } m ? (int)m.Value : throw new InvalidOperationException("maxsplit argument must be a number");
        var result = new List<string>();
        if (sep is NullValue)
        {
            var text = Lexer.JsTrimStart(v);
            foreach (Match match in Regex.Matches(text, @"[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+"))
            {
                if (max != -1 && result.Count >= max) { result.Add(match.Value + text[(match.Index + match.Length)..]); break; }
                result.Add(match.Value);
            }
        }
        else if (sep is StringValue s)
        {
            if (s.Value.Length == 0) throw new InvalidOperationException("empty separator");
            result = v.Split(s.Value).ToList();
            if (max != -1 && result.Count > max)
            {
                var tail = string.Join(s.Value, result.Skip(max));
                result = result.Take(max).Append(tail).ToList();
            }
        }
        else throw new InvalidOperationException("sep argument must be a string or null");
        return new ArrayValue(result.Select(x => (Value)new StringValue(x)).ToList());
    }

    /// <summary>Mapping methods: <c>get</c>, <c>items</c>, <c>keys</c>, <c>values</c>, <c>dictsort</c>.</summary>
    private static Value? ObjectBuiltin(ObjectValue o, string name) => name switch
    {
        "get" => new FunctionValue((a, _) =>
        {
            if (Arg(a, 0) is not StringValue key) throw new InvalidOperationException($"object key must be a string: got {Arg(a, 0).TypeName}");
            return o.Get(key.Value) ?? (a.Count > 1 ? a[1] : NullValue.Instance);
        }),
        "items" => new FunctionValue((_, _) => Items(o)),
        "keys" => new FunctionValue((_, _) => new ArrayValue(o.Keys.Select(k => (Value)new StringValue(k)).ToList())),
        "values" => new FunctionValue((_, _) => new ArrayValue(o.Entries.Select(e => e.Value).ToList())),
        "dictsort" => new FunctionValue((a, _) =>
        {
            var kw = Kwargs(a);
            var pos = Positional(a);
            var caseSensitive = pos.ElementAtOrDefault(0) ?? kw?.Get("case_sensitive") ?? BoolValue.False;
            var by = pos.ElementAtOrDefault(1) ?? kw?.Get("by") ?? new StringValue("key");
            var reverse = pos.ElementAtOrDefault(2) ?? kw?.Get("reverse") ?? BoolValue.False;
            if (caseSensitive is not BoolValue cs) throw new InvalidOperationException("case_sensitive must be a boolean");
            if (by is not StringValue { Value: "key" or "value" } b) throw new InvalidOperationException("by must be either 'key' or 'value'");
            if (reverse is not BoolValue rv) throw new InvalidOperationException("reverse must be a boolean");
            var index = b.Value == "key" ? 0 : 1;
            var items = Items(o).Items.Cast<ArrayValue>().ToList();
            var sorted = StableSort(items, (x, y) => (rv.Value ? -1 : 1) * Compare(x.Items[index], y.Items[index], cs.Value));
            return new ArrayValue(sorted.Cast<Value>().ToList());
        }),
        _ => null,
    };

    private static ArrayValue Items(ObjectValue o) =>
        new(o.Entries.Select(e => (Value)new ArrayValue([new StringValue(e.Key), e.Value])).ToList());

    private static List<T> StableSort<T>(List<T> items, Comparison<T> comparison) =>
        items.Select((x, i) => (x, i)).OrderBy(p => p, Comparer<(T x, int i)>.Create((a, b) =>
        {
            var c = comparison(a.x, b.x);
            return c != 0 ? c : a.i.CompareTo(b.i);
        })).Select(p => p.x).ToList();

    /// <summary><c>compareRuntimeValues</c>: numbers (booleans as 0/1) numerically, strings (optionally case-folded).</summary>
    private static int Compare(Value a, Value b, bool caseSensitive)
    {
        if (a is NullValue && b is NullValue) return 0;
        if (a is NullValue || b is NullValue) throw new InvalidOperationException($"cannot compare {a.TypeName} with {b.TypeName}");
        if (a is UndefinedValue && b is UndefinedValue) return 0;
        if (a is UndefinedValue || b is UndefinedValue) throw new InvalidOperationException($"cannot compare {a.TypeName} with {b.TypeName}");
        static double? Num(Value v) => v switch { NumberValue n => n.Value, BoolValue bo => bo.Value ? 1 : 0, _ => null };
        if (Num(a) is { } x && Num(b) is { } y) return x < y ? -1 : x > y ? 1 : 0;
        if (a is StringValue sa && b is StringValue sb)
        {
            var (l, r) = caseSensitive ? (sa.Value, sb.Value) : (sa.Value.ToLowerInvariant(), sb.Value.ToLowerInvariant());
            return Math.Sign(string.CompareOrdinal(l, r));
        }
        throw new InvalidOperationException($"cannot compare {a.TypeName} and {b.TypeName}");
    }
}
