using System.Text;

namespace InternS1.Text.Jinja;

/// <summary>@huggingface/jinja's <c>toJSON</c>: JSON.stringify-compatible scalars, Python-style separators
/// (", " and ": " without indent; "," and ": " with indent), optional ensure_ascii and sort_keys. Strings (and object
/// keys) that came from content stay content in the output: their escaped characters are marked, the quotes are not.</summary>
internal static class JsonWriter
{
    public sealed record Options(int? Indent = null, bool EnsureAscii = false, (string Item, string Key)? Separators = null, bool SortKeys = false);

    public static string Write(Value input, Options options, int depth = 0, bool convertUndefinedToNull = true)
    {
        var output = new TextBuilder();
        WriteTo(output, input, options, depth, convertUndefinedToNull);
        return output.ToString();
    }

    public static StringValue WriteValue(Value input, Options options, int depth = 0, bool convertUndefinedToNull = true)
    {
        var output = new TextBuilder();
        WriteTo(output, input, options, depth, convertUndefinedToNull);
        return output.ToValue();
    }

    public static void WriteTo(TextBuilder output, Value input, Options options, int depth = 0, bool convertUndefinedToNull = true)
    {
        var (itemSep, keySep) = options.Separators ?? (options.Indent is > 0 ? (",", ": ") : (", ", ": "));
        switch (input)
        {
            case NullValue: output.Append("null"); return;
            case UndefinedValue: output.Append(convertUndefinedToNull ? "null" : "undefined"); return;
            case NumberValue n: output.Append(double.IsFinite(n.Value) ? JsNumber.ToString(n.Value) : "null"); return;
            case BoolValue b: output.Append(b.Value ? "true" : "false"); return;
            case StringValue s: QuoteTo(output, s, options.EnsureAscii); return;
            case ArrayValue or ObjectValue:
            {
                var indent = options.Indent is > 0 ? new string(' ', options.Indent.Value) : "";
                var basePadding = "\n" + string.Concat(Enumerable.Repeat(indent, depth));
                var childPadding = basePadding + indent;
                var hasIndent = options.Indent is > 0;
                if (input is ArrayValue a)
                {
                    output.Append("[");
                    for (var i = 0; i < a.Items.Count; i++)
                    {
                        output.Append(hasIndent ? (i == 0 ? childPadding : itemSep + childPadding) : (i == 0 ? "" : itemSep));
                        WriteTo(output, a.Items[i], options, depth + 1, convertUndefinedToNull);
                    }
                    output.Append(hasIndent && a.Items.Count > 0 ? basePadding + "]" : "]");
                    return;
                }
                var o = (ObjectValue)input;
                var entries = o.Entries.ToList();
                if (options.SortKeys) entries = entries.OrderBy(e => e.Key, StringComparer.InvariantCulture).ToList();
                output.Append("{");
                for (var i = 0; i < entries.Count; i++)
                {
                    if (i > 0) output.Append(itemSep);
                    if (hasIndent) output.Append(childPadding);
                    QuoteTo(output, o.KeyValue(entries[i].Key), options.EnsureAscii);
                    output.Append(keySep);
                    WriteTo(output, entries[i].Value, options, depth + 1, convertUndefinedToNull);
                }
                output.Append(hasIndent && entries.Count > 0 ? basePadding + "}" : "}");
                return;
            }
            default:
                throw new InvalidOperationException($"cannot convert {input.TypeName} to JSON");
        }
    }

    /// <summary>JSON.stringify of a string (well-formed: lone surrogates escaped); ensure_ascii escapes U+007F and above.</summary>
    public static string Quote(string s, bool ensureAscii)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        Escape(s, 0, s.Length, ensureAscii, sb);
        return sb.Append('"').ToString();
    }

    /// <summary><see cref="Quote"/> into <paramref name="output"/>: each run of the string keeps its content mark.</summary>
    private static void QuoteTo(TextBuilder output, StringValue value, bool ensureAscii)
    {
        var s = value.Value;
        output.Append("\"");
        if (value.Spans is null) output.Append(Escape(s, 0, s.Length, ensureAscii));
        else
        {
            var cursor = 0;
            foreach (var span in value.Spans)
            {
                if (span.Start > cursor) output.Append(Escape(s, cursor, span.Start, ensureAscii));
                output.Append(Escape(s, span.Start, span.End, ensureAscii), span.Source);
                cursor = span.End;
            }
            if (cursor < s.Length) output.Append(Escape(s, cursor, s.Length, ensureAscii));
        }
        output.Append("\"");
    }

    private static string Escape(string s, int from, int to, bool ensureAscii)
    {
        var sb = new StringBuilder(to - from);
        Escape(s, from, to, ensureAscii, sb);
        return sb.ToString();
    }

    private static void Escape(string s, int from, int to, bool ensureAscii, StringBuilder sb)
    {
        for (var i = from; i < to; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    // Neighbours are looked up in the whole string, so a pair split across two runs stays a pair.
                    var lone = char.IsHighSurrogate(c) ? !(i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                        : char.IsLowSurrogate(c) && !(i > 0 && char.IsHighSurrogate(s[i - 1]));
                    if (c < 0x20 || lone) sb.Append("\\u").Append(((int)c).ToString("x4"));
                    else if (ensureAscii && c >= 0x7f) sb.Append("\\u").Append(((int)c).ToString("x4"));
                    else sb.Append(c);
                    break;
            }
        }
    }
}
