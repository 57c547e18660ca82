using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Jobs;

/// <summary>
/// The shape of the answer, in OpenAI's form: <c>{"type": "text"}</c> (the default: free text),
/// <c>{"type": "json_object"}</c> (any JSON object) or
/// <c>{"type": "json_schema", "json_schema": {"name", "schema", "strict"}}</c> (a value of that schema). With
/// <c>json_object</c> and <c>json_schema</c> the local engine constrains decoding to the format (after the think block
/// when thinking is on) and every result is validated again (<c>structured_valid</c>). The worker checks the schema
/// when the job arrives: an invalid schema or an unsupported keyword dead-letters the job as <c>invalid_field</c>
/// naming the keyword's JSON pointer (<c>response_format.json_schema.schema/properties/x/not: ...</c>).
/// </summary>
public sealed record ResponseFormat
{
    /// <summary>Free text (the default).</summary>
    public const string TextType = "text";

    /// <summary>Any JSON object.</summary>
    public const string JsonObjectType = "json_object";

    /// <summary>A value of <see cref="JsonSchema"/>'s schema.</summary>
    public const string JsonSchemaType = "json_schema";

    /// <summary><c>text</c>, <c>json_object</c> or <c>json_schema</c> (checked by the worker, like every field).</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>The schema, for <c>json_schema</c>.</summary>
    [JsonPropertyName("json_schema")]
    public JsonSchemaFormat? JsonSchema { get; init; }

    /// <summary>True for <c>json_object</c> and <c>json_schema</c>: the answer is a JSON value that is constrained and validated.</summary>
    [JsonIgnore]
    public bool IsStructured => Type is JsonObjectType or JsonSchemaType;
}
