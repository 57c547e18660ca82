using System.Text.Json;
using InternS1.Text.Structured.Automata;

namespace InternS1.Text.Structured.Schema;

/// <summary>
/// Reads a JSON Schema document into <see cref="SchemaNode"/>s, accepting the supported keywords only. Every error
/// names the JSON pointer of the keyword. <c>$ref</c> targets are read when first referenced (so unused
/// <c>$defs</c> are not checked) and shared, which makes recursive schemas cycles of nodes.
/// </summary>
internal sealed partial class SchemaReader
{
    private static readonly HashSet<string> Annotations =
        ["title", "description", "$schema", "$id", "examples", "default", "$comment", "deprecated", "readOnly", "writeOnly"];

    private static readonly HashSet<string> Containers = ["$defs", "definitions"];

    private readonly JsonElement _root;
    private readonly string _prefix;
    private readonly Dictionary<string, SchemaNode> _nodes = new(StringComparer.Ordinal);

    private SchemaReader(JsonElement root, string prefix)
    {
        _root = root;
        _prefix = prefix;
    }

    /// <summary>Reads the document <paramref name="root"/>; errors are prefixed with <paramref name="pointerPrefix"/>.</summary>
    /// <exception cref="StructuredSchemaException">Invalid or unsupported schema.</exception>
    public static SchemaNode Read(JsonElement root, string pointerPrefix) => new SchemaReader(root, pointerPrefix).NodeAt(root, "");

    private StructuredSchemaException Error(string pointer, string problem) => new(_prefix + pointer, problem);

    private static string Child(string pointer, string token) => pointer + "/" + token.Replace("~", "~0").Replace("/", "~1");

    private static string Child(string pointer, int index) => pointer + "/" + index;

    private SchemaNode NodeAt(JsonElement el, string pointer)
    {
        if (_nodes.TryGetValue(pointer, out var existing)) return existing;
        var node = new SchemaNode(pointer);
        _nodes[pointer] = node;
        switch (el.ValueKind)
        {
            case JsonValueKind.True:
                return node;
            case JsonValueKind.False:
                node.Nothing = true;
                return node;
            case JsonValueKind.Object:
                ReadObject(el, node, pointer);
                return node;
            default:
                throw Error(pointer, $"a schema must be an object or a boolean, not {Kind(el)}");
        }
    }

    private static string Kind(JsonElement el) => el.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private void ReadObject(JsonElement el, SchemaNode node, string pointer)
    {
        var keys = el.EnumerateObject().Select(p => p.Name).ToList();
        foreach (var key in keys)
            if (!Annotations.Contains(key) && !Containers.Contains(key) && !Readers.ContainsKey(key))
                throw Error(Child(pointer, key), $"keyword '{key}' is not supported");
        foreach (var container in Containers)
            if (el.TryGetProperty(container, out var defs) && defs.ValueKind != JsonValueKind.Object)
                throw Error(Child(pointer, container), $"'{container}' must be an object of schemas");
        var assertions = keys.Where(k => Readers.ContainsKey(k)).ToList();
        CheckCombinations(assertions, pointer);
        foreach (var key in assertions) Readers[key](this, el.GetProperty(key), node, Child(pointer, key), el);
        Finish(node, pointer);
    }

    private void CheckCombinations(List<string> assertions, string pointer)
    {
        foreach (var exclusive in new[] { "$ref", "allOf", "anyOf", "oneOf" })
        {
            if (!assertions.Contains(exclusive)) continue;
            var other = assertions.FirstOrDefault(k => k != exclusive);
            if (other is not null)
                throw Error(Child(pointer, other), $"keyword '{other}' next to '{exclusive}' is not supported; move it into the referenced or alternative schemas");
        }
        foreach (var literal in new[] { "enum", "const" })
        {
            if (!assertions.Contains(literal)) continue;
            var other = assertions.FirstOrDefault(k => k != literal && k != "type");
            if (other is not null)
                throw Error(Child(pointer, other), $"keyword '{other}' next to '{literal}' is not supported (only 'type' may accompany it)");
        }
    }

    private void Finish(SchemaNode node, string pointer)
    {
        if (node.MaxLength is { } maxLen && node.MinLength > maxLen)
            throw Error(Child(pointer, "minLength"), $"minLength ({node.MinLength}) is greater than maxLength ({maxLen})");
        if (node.MaxItems is { } maxItems && node.MinItems > maxItems)
            throw Error(Child(pointer, "minItems"), $"minItems ({node.MinItems}) is greater than maxItems ({maxItems})");
        if (node.Lower is { } lo && node.Upper is { } hi && (lo.Value > hi.Value || (lo.Value.CompareTo(hi.Value) == 0 && !(lo.Inclusive && hi.Inclusive))))
            throw Error(pointer, $"no number lies between the lower bound {lo.Value} and the upper bound {hi.Value}");
        if (node.Enum is null && node.AnyOf is null && node.Alias is null && !node.HasType && node.KeywordTypes != JsonTypes.None)
            node.Types = node.KeywordTypes;
        if ((node.Types & JsonTypes.Number) != 0) node.Types &= ~JsonTypes.Integer;
    }

    /// <summary>Resolves a local <c>$ref</c> (<c>#</c> or <c>#/json/pointer</c>) to its node.</summary>
    private SchemaNode Resolve(string reference, string pointer)
    {
        if (!reference.StartsWith('#'))
            throw Error(pointer, $"$ref '{reference}' is not supported: only references inside the schema ('#/...') are");
        var fragment = Uri.UnescapeDataString(reference[1..]);
        if (fragment.Length > 0 && fragment[0] != '/')
            throw Error(pointer, $"$ref '{reference}' is not supported: anchors are not, use a JSON pointer ('#/$defs/Name')");
        var el = _root;
        var target = "";
        foreach (var raw in fragment.Length == 0 ? [] : fragment[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/").Replace("~0", "~");
            target = Child(target, token);
            if (el.ValueKind == JsonValueKind.Object && el.TryGetProperty(token, out var next)) el = next;
            else if (el.ValueKind == JsonValueKind.Array && int.TryParse(token, out var index) && index >= 0 && index < el.GetArrayLength()) el = el[index];
            else throw Error(pointer, $"$ref target '{reference}' does not exist");
        }
        return NodeAt(el, target);
    }
}
