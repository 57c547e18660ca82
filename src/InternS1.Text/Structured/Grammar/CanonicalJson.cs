using System.Globalization;
using System.Text;
using System.Text.Json;

namespace InternS1.Text.Structured.Grammar;

/// <summary>Writes JSON values the way the grammar spells them (for <c>enum</c>/<c>const</c> literals and keys):
/// strings in raw UTF-8 with only the escapes JSON requires (<c>\" \\ \b \f \n \r \t</c>, other control characters as
/// <c>\u00xx</c>), numbers as written in the schema, the <see cref="JsonWhitespace"/> policy between items.</summary>
internal static class CanonicalJson
{
    public static byte[] Bytes(JsonElement value, JsonWhitespace whitespace)
    {
        var sb = new StringBuilder();
        Write(sb, value, whitespace);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static byte[] StringBytes(string s)
    {
        var sb = new StringBuilder();
        WriteString(sb, s);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static void Write(StringBuilder sb, JsonElement v, JsonWhitespace ws)
    {
        var comma = ws == JsonWhitespace.Spaced ? ", " : ",";
        var colon = ws == JsonWhitespace.Spaced ? ": " : ":";
        switch (v.ValueKind)
        {
            case JsonValueKind.Object:
                sb.Append('{');
                var first = true;
                foreach (var p in v.EnumerateObject())
                {
                    if (!first) sb.Append(comma);
                    first = false;
                    WriteString(sb, p.Name);
                    sb.Append(colon);
                    Write(sb, p.Value, ws);
                }
                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var i = 0;
                foreach (var e in v.EnumerateArray())
                {
                    if (i++ > 0) sb.Append(comma);
                    Write(sb, e, ws);
                }
                sb.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(sb, v.GetString()!);
                break;
            default:
                sb.Append(v.GetRawText());
                break;
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < ' ': sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }
}
