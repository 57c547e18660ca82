using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace InternS1.Text.Tests.Structured;

/// <summary>
/// A slow, independent recognizer of the documented output language, written from the README's rules and not from
/// the grammar code: "is this byte string a prefix of some output the schema allows?" by backtracking recursive
/// descent that yields every position where a value can end (or <see cref="Open"/> when the input ends inside it).
/// Supports the subset used by the mask tests: type (lists), properties/required/additionalProperties:false, items,
/// minItems/maxItems, enum/const, anyOf/oneOf, $ref, plain strings with minLength/maxLength, integers with
/// minimum/maximum, unconstrained numbers, booleans, null and empty schemas (any value).
/// </summary>
internal sealed partial class ReferenceRecognizer
{
    private const int Open = -1;
    private readonly JsonElement _root;
    private readonly bool _spaced;
    private byte[] _s = [];

    public ReferenceRecognizer(JsonElement schema, bool spaced)
    {
        _root = schema;
        _spaced = spaced;
    }

    public bool IsPrefix(byte[] text)
    {
        _s = text;
        return Value(_root, 0).Any(e => e == Open || e == text.Length);
    }

    public bool IsComplete(byte[] text)
    {
        _s = text;
        return Value(_root, 0).Any(e => e == text.Length);
    }

    private byte[] Colon => _spaced ? ": "u8.ToArray() : ":"u8.ToArray();

    private byte[] Comma => _spaced ? ", "u8.ToArray() : ","u8.ToArray();

    /// <summary>Matches a literal: its end, <see cref="Open"/> when the input ends inside it, -2 on a mismatch.</summary>
    private int Expect(byte[] lit, int i)
    {
        for (var k = 0; k < lit.Length; k++)
        {
            if (i + k == _s.Length) return Open;
            if (_s[i + k] != lit[k]) return -2;
        }
        return i + lit.Length;
    }

    private JsonElement Resolve(JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var r))
        {
            var el = _root;
            foreach (var part in r.GetString()!.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries)) el = el.GetProperty(part);
            schema = el;
        }
        return schema;
    }

    private IEnumerable<int> Value(JsonElement schema, int pos)
    {
        if (pos == _s.Length) { yield return Open; yield break; }
        schema = Resolve(schema);
        if (schema.ValueKind == JsonValueKind.True || (schema.ValueKind == JsonValueKind.Object && !schema.EnumerateObject().Any()))
        {
            foreach (var e in AnyValue(pos)) yield return e;
            yield break;
        }
        foreach (var key in new[] { "anyOf", "oneOf" })
            if (schema.TryGetProperty(key, out var alts))
            {
                foreach (var alt in alts.EnumerateArray())
                    foreach (var e in Value(alt, pos)) yield return e;
                yield break;
            }
        var types = !schema.TryGetProperty("type", out var t) ? ["object", "array", "string", "integer", "number", "boolean", "null"]
            : t.ValueKind == JsonValueKind.String ? [t.GetString()!] : t.EnumerateArray().Select(x => x.GetString()!).ToArray();
        if (schema.TryGetProperty("enum", out var en) || schema.TryGetProperty("const", out en))
        {
            var values = en.ValueKind == JsonValueKind.Array && schema.TryGetProperty("enum", out _) ? en.EnumerateArray().ToList() : [en];
            foreach (var v in values)
            {
                var e = Expect(Encoding.UTF8.GetBytes(Serialize(v)), pos);
                if (e != -2) yield return e;
            }
            yield break;
        }
        foreach (var type in types.Contains("number") ? types.Where(x => x != "integer") : types)
        {
            var ends = type switch
            {
                "object" => ObjectValue(schema, pos),
                "array" => ArrayValue(schema, pos),
                "string" => StringValue(schema, pos),
                "integer" or "number" => NumberValue(schema, pos, type == "integer"),
                "boolean" => Literals(pos, "true", "false"),
                _ => Literals(pos, "null"),
            };
            foreach (var e in ends) yield return e;
        }
    }

    private IEnumerable<int> Literals(int pos, params string[] words)
    {
        foreach (var w in words)
        {
            var e = Expect(Encoding.UTF8.GetBytes(w), pos);
            if (e != -2) yield return e;
        }
    }

    private IEnumerable<int> AnyValue(int pos)
    {
        var any = JsonDocument.Parse("{}").RootElement;
        foreach (var e in AnyObject(pos, any)) yield return e;
        foreach (var e in AnyArray(pos, any)) yield return e;
        foreach (var e in StringValue(default, pos)) yield return e;
        foreach (var e in NumberValue(default, pos, integer: false)) yield return e;
        foreach (var e in Literals(pos, "true", "false", "null")) yield return e;
    }

    private IEnumerable<int> AnyObject(int pos, JsonElement any)
    {
        var i = Expect("{"u8.ToArray(), pos);
        if (i < 0) { if (i == Open) yield return Open; yield break; }
        var close = Expect("}"u8.ToArray(), i);
        if (close != -2) yield return close;
        foreach (var e in AnyMembers(i, any)) yield return e;
    }

    private IEnumerable<int> AnyMembers(int i, JsonElement any)
    {
        foreach (var k in StringValue(default, i))
        {
            if (k == Open) { yield return Open; continue; }
            var c = Expect(Colon, k);
            if (c == Open) { yield return Open; continue; }
            if (c < 0) continue;
            foreach (var v in Value(any, c))
            {
                if (v == Open) { yield return Open; continue; }
                var close = Expect("}"u8.ToArray(), v);
                if (close != -2) yield return close;
                var comma = Expect(Comma, v);
                if (comma == Open) yield return Open;
                else if (comma >= 0) foreach (var e in AnyMembers(comma, any)) yield return e;
            }
        }
    }

    private IEnumerable<int> AnyArray(int pos, JsonElement any)
    {
        var i = Expect("["u8.ToArray(), pos);
        if (i < 0) { if (i == Open) yield return Open; yield break; }
        var close = Expect("]"u8.ToArray(), i);
        if (close != -2) yield return close;
        foreach (var e in AnyItems(i, any)) yield return e;
    }

    private IEnumerable<int> AnyItems(int i, JsonElement any)
    {
        foreach (var v in Value(any, i))
        {
            if (v == Open) { yield return Open; continue; }
            var close = Expect("]"u8.ToArray(), v);
            if (close != -2) yield return close;
            var comma = Expect(Comma, v);
            if (comma == Open) yield return Open;
            else if (comma >= 0) foreach (var e in AnyItems(comma, any)) yield return e;
        }
    }

    private string Serialize(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => "\"" + v.GetString()!.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        JsonValueKind.Object => "{" + string.Join(_spaced ? ", " : ",", v.EnumerateObject().Select(p => "\"" + p.Name + "\"" + (_spaced ? ": " : ":") + Serialize(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(_spaced ? ", " : ",", v.EnumerateArray().Select(Serialize)) + "]",
        _ => v.GetRawText(),
    };
}
