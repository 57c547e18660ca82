using System.Text.Json;
using InternS1.Text.Structured.Automata;

namespace InternS1.Text.Structured.Schema;

/// <summary>One (sub)schema after intake: its JSON pointer and the supported keywords, validated. A node is either an
/// alias (<c>$ref</c>, single <c>allOf</c>), a union (<c>anyOf</c>/<c>oneOf</c>), a set of literal values
/// (<c>enum</c>/<c>const</c>), or typed constraints (<see cref="Types"/> and the keywords of each type).</summary>
internal sealed class SchemaNode
{
    public SchemaNode(string pointer) => Pointer = pointer;

    /// <summary>Where the node is in the schema document (RFC 6901, "" for the root).</summary>
    public string Pointer { get; }

    /// <summary>The boolean schema <c>false</c>: no value.</summary>
    public bool Nothing { get; set; }

    /// <summary>The node this one stands for (<c>$ref</c> or a one-element <c>allOf</c>).</summary>
    public SchemaNode? Alias { get; set; }

    /// <summary>Pointer of the keyword that made the alias (for error messages).</summary>
    public string? AliasPointer { get; set; }

    /// <summary><c>anyOf</c> / <c>oneOf</c> alternatives.</summary>
    public List<SchemaNode>? AnyOf { get; set; }

    /// <summary><c>enum</c> values (<c>const</c> is a one-value enum).</summary>
    public List<JsonElement>? Enum { get; set; }

    /// <summary>Allowed types; <see cref="JsonTypes.All"/> when <c>type</c> is absent (narrowed by the keywords present).</summary>
    public JsonTypes Types { get; set; } = JsonTypes.All;

    /// <summary>Whether <c>type</c> was given.</summary>
    public bool HasType { get; set; }

    public List<(string Name, SchemaNode Schema)> Properties { get; } = [];

    public HashSet<string> Required { get; } = new(StringComparer.Ordinal);

    /// <summary>Schema of additional properties; null when none may be generated (absent, or <c>false</c>).</summary>
    public SchemaNode? AdditionalProperties { get; set; }

    /// <summary>Whether <c>additionalProperties</c> is <c>false</c>.</summary>
    public bool AdditionalPropertiesFalse { get; set; }

    public List<SchemaNode> PrefixItems { get; } = [];

    /// <summary>Schema of items after <see cref="PrefixItems"/>; null with <see cref="ItemsFalse"/> or when absent.</summary>
    public SchemaNode? Items { get; set; }

    public bool ItemsFalse { get; set; }

    public int MinItems { get; set; }

    public int? MaxItems { get; set; }

    public int MinLength { get; set; }

    public int? MaxLength { get; set; }

    public string? Pattern { get; set; }

    public string? Format { get; set; }

    public NumberBound? Lower { get; set; }

    public NumberBound? Upper { get; set; }

    /// <summary>Fraction digits allowed by a <c>multipleOf</c> that is a power of ten (0 for <c>multipleOf: 1</c>).</summary>
    public int? MaxFractionDigits { get; set; }

    /// <summary>Keywords seen, by kind: used to narrow <see cref="Types"/> when <c>type</c> is absent.</summary>
    public JsonTypes KeywordTypes { get; set; }
}
