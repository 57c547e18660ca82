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
            "upper" => F(_ => s.Transformed(v.ToUpperInvariant())),
            "lower" => F(_ => s.Transformed(v.ToLowerInvariant())),
            "strip" => F(_ => Trim(s, start: true, end: true)),
            "lstrip" => F(_ => Trim(s, start: true, end: false)),
            "rstrip" => F(_ => Trim(s, start: false, end: true)),
            "title" => F(_ => s.Transformed(Regex.Replace(v, @"\b\w", m => m.Value.ToUpperInvariant(), RegexOptions.ECMAScript))),
            "capitalize" => F(_ => s.Transformed(v.Length == 0 ? v : char.ToUpperInvariant(v[0]) + v[1..])),
            "length" => new NumberValue(v.Length, false),
            "startswith" => F(a => BoolValue.Of(Affix(a, p => v.StartsWith(p, StringComparison.Ordinal), "startswith"))),
            "endswith" => F(a => BoolValue.Of(Affix(a, p => v.EndsWith(p, StringComparison.Ordinal), "endswith"))),
            "split" => F(a => Split(s, Arg(a, 0), Arg(a, 1))),
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
                return Replace(s, o.Value, n, count);
            }),
            _ => null,
        };
    }

    /// <summary>JavaScript trim / trimStart / trimEnd as a substring (content spans kept).</summary>
    private static StringValue Trim(StringValue s, bool start, bool end)
    {
        var v = s.Value;
        var from = start ? v.Length - Lexer.JsTrimStart(v).Length : 0;
        var to = end ? Lexer.JsTrimEnd(v).Length : v.Length;
        return to <= from ? new StringValue("") : s.Substring(from, to - from);
    }

    private static Value Split(StringValue s, Value sepArg, Value maxArg)
    {
        var v = s.Value;
        var sep = sepArg is UndefinedValue ? NullValue.Instance : sepArg;
        var max = maxArg is UndefinedValue ? -1 : maxArg is NumberValue { IsFloat: false } m ? (int)m.Value : throw new InvalidOperationException("maxsplit argument must be a number");
        var result = new List<(int Start, int Length)>(); // substrings of v
        if (sep is NullValue)
        {
            var offset = v.Length - Lexer.JsTrimStart(v).Length;
            foreach (Match match in Regex.Matches(v[offset..], @"[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+"))
            {
                // The last piece is the match and everything after it.
                if (max != -1 && result.Count >= max) { result.Add((offset + match.Index, v.Length - offset - match.Index)); break; }
                result.Add((offset + match.Index, match.Length));
            }
        }
        else if (sep is StringValue separator)
        {
            var sepText = separator.Value;
            if (sepText.Length == 0) throw new InvalidOperationException("empty separator");
            var start = 0;
            for (var at = v.IndexOf(sepText, StringComparison.Ordinal); at >= 0; at = v.IndexOf(sepText, start, StringComparison.Ordinal))
            {
                if (max != -1 && result.Count >= max) break;
                result.Add((start, at - start));
                start = at + sepText.Length;
            }
            result.Add((start, v.Length - start));
        }
        else throw new InvalidOperationException("sep argument must be a string or null");
        return new ArrayValue(result.Select(r => (Value)s.Substring(r.Start, r.Length)).ToList());
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
        "keys" => new FunctionValue((_, _) => new ArrayValue(o.Keys.Select(k => (Value)o.KeyValue(k)).ToList())),
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
        new(o.Entries.Select(e => (Value)new ArrayValue([o.KeyValue(e.Key), e.Value])).ToList());

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
