namespace InternS1.Text.Structured;

/// <summary>A schema is invalid or uses something structured output does not support. The message is
/// <c>"{pointer}: {problem}"</c>, where the pointer is the caller's prefix followed by the JSON pointer of the keyword
/// (e.g. <c>response_format.json_schema.schema/properties/label/patternProperties: keyword 'patternProperties' is not
/// supported</c>); the worker dead-letters the job as <c>invalid_field</c> with this message.</summary>
public sealed class StructuredSchemaException : Exception
{
    public StructuredSchemaException(string pointer, string problem)
        : base($"{pointer}: {problem}")
    {
        Pointer = pointer;
        Problem = problem;
    }

    /// <summary>Prefix plus JSON pointer of the offending keyword or subschema.</summary>
    public string Pointer { get; }

    /// <summary>What is wrong, without the pointer.</summary>
    public string Problem { get; }
}
