using System.Text.Json;
using InternS1.Text.Structured.Automata;

namespace InternS1.Text.Structured.Schema;

internal sealed partial class SchemaReader
{
    private delegate void KeywordReader(SchemaReader reader, JsonElement value, SchemaNode node, string pointer, JsonElement schema);

    /// <summary>The supported assertion and applicator keywords.</summary>
    private static readonly Dictionary<string, KeywordReader> Readers = new(StringComparer.Ordinal)
    {
        ["type"] = (r, v, n, p, _) => r.ReadType(v, n, p),
        ["enum"] = (r, v, n, p, _) =>
        {
            if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0) throw r.Error(p, "'enum' must be a non-empty array");
            n.Enum = v.EnumerateArray().Select(e => e.Clone()).ToList();
        },
        ["const"] = (_, v, n, _, _) => n.Enum = [v.Clone()],
        ["$ref"] = (r, v, n, p, _) =>
        {
            if (v.ValueKind != JsonValueKind.String) throw r.Error(p, "'$ref' must be a string");
            n.Alias = r.Resolve(v.GetString()!, p);
            n.AliasPointer = p;
        },
        ["allOf"] = (r, v, n, p, _) =>
        {
            if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0) throw r.Error(p, "'allOf' must be a non-empty array of schemas");
            if (v.GetArrayLength() > 1) throw r.Error(p, "'allOf' with more than one schema is not supported");
            n.Alias = r.NodeAt(v[0], Child(p, 0));
            n.AliasPointer = p;
        },
        ["anyOf"] = (r, v, n, p, _) => n.AnyOf = r.SchemaList(v, p, "anyOf"),
        ["oneOf"] = (r, v, n, p, _) => n.AnyOf = r.SchemaList(v, p, "oneOf"),
        ["properties"] = (r, v, n, p, _) =>
        {
            if (v.ValueKind != JsonValueKind.Object) throw r.Error(p, "'properties' must be an object of schemas");
            foreach (var prop in v.EnumerateObject()) n.Properties.Add((prop.Name, r.NodeAt(prop.Value, Child(p, prop.Name))));
            n.KeywordTypes |= JsonTypes.Object;
        },
        ["required"] = (r, v, n, p, _) =>
        {
            if (v.ValueKind != JsonValueKind.Array) throw r.Error(p, "'required' must be an array of strings");
            var i = 0;
            foreach (var e in v.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.String) throw r.Error(Child(p, i), "'required' entries must be strings");
                if (!n.Required.Add(e.GetString()!)) throw r.Error(Child(p, i), $"'{e.GetString()}' is listed twice");
                i++;
            }
            n.KeywordTypes |= JsonTypes.Object;
        },
        ["additionalProperties"] = (r, v, n, p, _) =>
        {
            if (v.ValueKind == JsonValueKind.False) n.AdditionalPropertiesFalse = true;
            else if (v.ValueKind != JsonValueKind.True) n.AdditionalProperties = r.NodeAt(v, p);
            n.KeywordTypes |= JsonTypes.Object;
        },
        ["items"] = (r, v, n, p, _) =>
        {
            if (v.ValueKind == JsonValueKind.Array) throw r.Error(p, "'items' as an array is not supported; use 'prefixItems'");
            if (v.ValueKind == JsonValueKind.False) n.ItemsFalse = true;
            else n.Items = r.NodeAt(v, p);
            n.KeywordTypes |= JsonTypes.Array;
        },
        ["prefixItems"] = (r, v, n, p, _) =>
        {
            n.PrefixItems.AddRange(r.SchemaList(v, p, "prefixItems"));
            n.KeywordTypes |= JsonTypes.Array;
        },
        ["minItems"] = (r, v, n, p, _) => { n.MinItems = r.Count(v, p); n.KeywordTypes |= JsonTypes.Array; },
        ["maxItems"] = (r, v, n, p, _) => { n.MaxItems = r.Count(v, p); n.KeywordTypes |= JsonTypes.Array; },
        ["minLength"] = (r, v, n, p, _) => { n.MinLength = r.Count(v, p); n.KeywordTypes |= JsonTypes.String; },
        ["maxLength"] = (r, v, n, p, _) => { n.MaxLength = r.Count(v, p); n.KeywordTypes |= JsonTypes.String; },
        ["pattern"] = (r, v, n, p, _) =>
        {
            if (v.ValueKind != JsonValueKind.String) throw r.Error(p, "'pattern' must be a string");
            try { RegexParser.Parse(v.GetString()!, CharSet.Bmp); }
            catch (RegexSyntaxException e) { throw r.Error(p, $"pattern is not supported: {e.Message}"); }
            n.Pattern = v.GetString();
            n.KeywordTypes |= JsonTypes.String;
        },
        ["format"] = (r, v, n, p, _) =>
        {
            if (v.ValueKind != JsonValueKind.String) throw r.Error(p, "'format' must be a string");
            var f = v.GetString()!;
            if (StringFormats.Pattern(f) is null)
                throw r.Error(p, $"format '{f}' is not supported (supported: {string.Join(", ", StringFormats.Supported)})");
            n.Format = f;
            n.KeywordTypes |= JsonTypes.String;
        },
        ["minimum"] = (r, v, n, p, _) => r.Bound(v, n, p, lower: true, inclusive: true),
        ["maximum"] = (r, v, n, p, _) => r.Bound(v, n, p, lower: false, inclusive: true),
        ["exclusiveMinimum"] = (r, v, n, p, _) => r.Bound(v, n, p, lower: true, inclusive: false),
        ["exclusiveMaximum"] = (r, v, n, p, _) => r.Bound(v, n, p, lower: false, inclusive: false),
        ["multipleOf"] = (r, v, n, p, _) =>
        {
            var d = r.Number(v, p, "multipleOf");
            if (d <= DecimalValue.Zero) throw r.Error(p, "'multipleOf' must be greater than 0");
            if (d.Mantissa != 1 || d.Exponent > 0)
                throw r.Error(p, "'multipleOf' is only supported as 1 or a power of ten below it (0.1, 0.01, ...)");
            n.MaxFractionDigits = -d.Exponent;
            n.KeywordTypes |= JsonTypes.Number;
        },
    };

    private void ReadType(JsonElement v, SchemaNode n, string p)
    {
        var names = v.ValueKind switch
        {
            JsonValueKind.String => [v],
            JsonValueKind.Array when v.GetArrayLength() > 0 => v.EnumerateArray().ToList(),
            _ => throw Error(p, "'type' must be a type name or a non-empty array of them"),
        };
        var types = JsonTypes.None;
        for (var i = 0; i < names.Count; i++)
        {
            var at = v.ValueKind == JsonValueKind.Array ? Child(p, i) : p;
            if (names[i].ValueKind != JsonValueKind.String) throw Error(at, "type names must be strings");
            var t = names[i].GetString() switch
            {
                "null" => JsonTypes.Null,
                "boolean" => JsonTypes.Boolean,
                "object" => JsonTypes.Object,
                "array" => JsonTypes.Array,
                "number" => JsonTypes.Number,
                "integer" => JsonTypes.Integer,
                "string" => JsonTypes.String,
                var other => throw Error(at, $"unknown type '{other}' (expected null, boolean, object, array, number, integer or string)"),
            };
            if ((types & t) != 0) throw Error(at, $"type '{names[i].GetString()}' is listed twice");
            types |= t;
        }
        n.Types = types;
        n.HasType = true;
    }

    private List<SchemaNode> SchemaList(JsonElement v, string p, string keyword)
    {
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0) throw Error(p, $"'{keyword}' must be a non-empty array of schemas");
        return v.EnumerateArray().Select((e, i) => NodeAt(e, Child(p, i))).ToList();
    }

    private int Count(JsonElement v, string p)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var d) || d < 0 || d != decimal.Truncate(d))
            throw Error(p, "must be a non-negative integer");
        return d > int.MaxValue ? int.MaxValue : (int)d;
    }

    private DecimalValue Number(JsonElement v, string p, string keyword)
    {
        if (v.ValueKind != JsonValueKind.Number) throw Error(p, $"'{keyword}' must be a number");
        var d = DecimalValue.Parse(v.GetRawText());
        try { d.Digits(); }
        catch (OverflowException) { throw Error(p, $"'{keyword}' has more than {DecimalValue.MaxDigits} digits"); }
        return d;
    }

    private void Bound(JsonElement v, SchemaNode n, string p, bool lower, bool inclusive)
    {
        var keyword = p[(p.LastIndexOf('/') + 1)..];
        var bound = new NumberBound(Number(v, p, keyword), inclusive);
        n.KeywordTypes |= JsonTypes.Number;
        if (lower)
        {
            // NOTE: with both minimum and exclusiveMinimum the stricter one wins.
            if (n.Lower is not { } cur || bound.Value > cur.Value || (bound.Value.CompareTo(cur.Value) == 0 && !inclusive)) n.Lower = bound;
        }
        else if (n.Upper is not { } cur || bound.Value < cur.Value || (bound.Value.CompareTo(cur.Value) == 0 && !inclusive)) n.Upper = bound;
    }
}
