using System.Text;

namespace InternS1.Text.Jinja;

/// <summary>@huggingface/jinja's <c>toJSON</c>: JSON.stringify-compatible scalars, Python-style separators
/// (", " and ": " without indent; "," and ": " with indent), optional ensure_ascii and sort_keys.</summary>
internal static class JsonWriter
{
    public sealed record Options(int? Indent = null, bool EnsureAscii = false, (string Item, string Key)? Separators = null, bool SortKeys = false);

    public static string Write(Value input, Options options, int depth = 0, bool convertUndefinedToNull = true)
    {
        var (itemSep, keySep) = options.Separators ?? (options.Indent is > 0 ? (",", ": ") : (", ", ": "));
        switch (input)
        {
            case NullValue: return "null";
            case UndefinedValue: return convertUndefinedToNull ? "null" : "undefined";
            case NumberValue n: return double.IsFinite(n.Value) ? JsNumber.ToString(n.Value) : "null";
            case BoolValue b: return b.Value ? "true" : "false";
            case StringValue s: return Quote(s.Value, options.EnsureAscii);
            case ArrayValue or ObjectValue:
            {
                var indent = options.Indent is > 0 ? new string(' ', options.Indent.Value) : "";
                var basePadding = "\n" + string.Concat(Enumerable.Repeat(indent, depth));
                var childPadding = basePadding + indent;
                var hasIndent = options.Indent is > 0;
                if (input is ArrayValue a)
                {
                    var core = a.Items.Select(x => Write(x, options, depth + 1, convertUndefinedToNull)).ToList();
                    return hasIndent && core.Count > 0
                        ? $"[{childPadding}{string.Join(itemSep + childPadding, core)}{basePadding}]"
                        : $"[{string.Join(itemSep, core)}]";
                }
                var o = (ObjectValue)input;
                var entries = o.Entries.ToList();
                if (options.SortKeys) entries = entries.OrderBy(e => e.Key, StringComparer.InvariantCulture).ToList();
                var parts = entries.Select(e =>
                {
                    var v = $"{Quote(e.Key, options.EnsureAscii)}{keySep}{Write(e.Value, options, depth + 1, convertUndefinedToNull)}";
                    return hasIndent ? childPadding + v : v;
                }).ToList();
                return hasIndent && parts.Count > 0 ? $"{{{string.Join(itemSep, parts)}{basePadding}}}" : $"{{{string.Join(itemSep, parts)}}}";
            }
            default:
                throw new InvalidOperationException($"cannot convert {input.TypeName} to JSON");
        }
    }

    /// <summary>JSON.stringify of a string (well-formed: lone surrogates escaped); ensure_ascii escapes U+007F and above.</summary>
    public static string Quote(string s, bool ensureAscii)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        for (var i = 0; i < s.Length; i++)
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
                    var lone = char.IsHighSurrogate(c) ? !(i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                        : char.IsLowSurrogate(c) && !(i > 0 && char.IsHighSurrogate(s[i - 1]));
                    if (c < 0x20 || lone) sb.Append("\\u").Append(((int)c).ToString("x4"));
                    else if (ensureAscii && c >= 0x7f) sb.Append("\\u").Append(((int)c).ToString("x4"));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
