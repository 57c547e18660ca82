using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Jobs;

/// <summary>The <c>json_schema</c> member of a <see cref="ResponseFormat"/>: <c>{"name", "description", "schema", "strict"}</c>
/// as in OpenAI's API.</summary>
public sealed record JsonSchemaFormat
{
    /// <summary>The format's name (letters, digits, <c>_</c> and <c>-</c>, at most 64 characters). Optional here.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>Free text for the producer; not used.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>The JSON Schema of the answer (required). The supported keywords are listed in
    /// <c>src/InternS1.Text/Structured/README.md</c>.</summary>
    [JsonPropertyName("schema")]
    public JsonElement? Schema { get; init; }

    /// <summary>Accepted for compatibility; the schema is always enforced and the result always validated.</summary>
    [JsonPropertyName("strict")]
    public bool? Strict { get; init; }
}
