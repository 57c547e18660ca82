using System.Text.Json;
using System.Text.RegularExpressions;
using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Worker.Preparation;
using InternS1.Text.Structured;

namespace InternS1.Batch.Worker.Validation;

/// <summary>
/// The intake check of <c>response_format</c>: the type is <c>text</c>, <c>json_object</c> or <c>json_schema</c>;
/// <c>json_schema</c> has an object <c>json_schema</c> with a <c>schema</c> (an object or a boolean) and, when given,
/// a <c>name</c> of letters, digits, <c>_</c> and <c>-</c> (at most 64, as OpenAI requires); and every keyword of the
/// schema is supported (<see cref="StructuredOutputCompiler.ValidateSchema"/>). Each problem is an
/// <c>invalid_field</c> rejection naming the JSON pointer. Pure; what needs a compile (a schema that admits no value,
/// nesting and size limits) is found at preparation and dead-lettered the same way.
/// </summary>
internal static partial class ResponseFormatValidator
{
    public static JobRejection? Validate(ResponseFormat? format)
    {
        if (format is null) return null;
        switch (format.Type)
        {
            case ResponseFormat.TextType:
            case ResponseFormat.JsonObjectType:
                return null;
            case ResponseFormat.JsonSchemaType:
                break;
            default:
                return Invalid("response_format.type", $"'{format.Type}' is not one of {ResponseFormat.TextType}, {ResponseFormat.JsonObjectType}, {ResponseFormat.JsonSchemaType}");
        }
        if (format.JsonSchema is not { } spec)
            return Invalid("response_format.json_schema", "must be an object with a schema for type json_schema");
        if (spec.Name is { } name && !Name().IsMatch(name))
            return Invalid("response_format.json_schema.name", $"'{name}' must be 1-64 letters, digits, '_' or '-'");
        if (spec.Schema is not { } schema || schema.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return Invalid(StructuredOutputs.SchemaPointer, "is missing");
        try
        {
            StructuredOutputCompiler.ValidateSchema(schema, StructuredOutputs.SchemaPointer);
            return null;
        }
        catch (StructuredSchemaException e)
        {
            return Invalid(e.Pointer, e.Problem);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex Name();

    private static JobRejection Invalid(string field, string detail) => new(FailureReasons.InvalidField, field, detail);
}
