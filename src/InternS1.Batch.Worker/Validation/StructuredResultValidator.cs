using System.Collections.Concurrent;
using System.Text.Json;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Worker.Execution;
using InternS1.Text.Structured;
using Json.Schema;

namespace InternS1.Batch.Worker.Validation;

/// <summary>
/// Judges every structured result after its executor returned, whichever executor that was (the local engine,
/// which constrained the decoding, or a remote server, which may have ignored the constraint): the answer must
/// parse as JSON and, for <c>json_schema</c>, validate with JsonSchema.Net (format assertion on); for
/// <c>json_object</c> it must be an object. The completion comes back with <see cref="JobCompletion.StructuredValid"/>
/// and, when false, <see cref="JobCompletion.StructuredError"/>; a job without a structured <c>response_format</c>
/// comes back unchanged (both null). The finish reason is kept: a value cut by max_new_tokens is <c>length</c> and
/// invalid. Thread-safe; built schemas are cached by schema hash.
/// </summary>
public sealed class StructuredResultValidator
{
    private const int CacheCapacity = 256;
    private static readonly JsonDocumentOptions Parsing = new() { MaxDepth = 4096 };
    private static readonly EvaluationOptions Evaluation = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    /// <summary><paramref name="completion"/> judged against <paramref name="job"/>'s <c>response_format</c>.</summary>
    public JobCompletion Validate(SubmitPromptJob job, JobCompletion completion)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(completion);
        if (job.ResponseFormat is not { IsStructured: true } format) return completion;
        var error = Judge(format, completion.Content);
        return completion with { StructuredValid = error is null, StructuredError = error };
    }

    /// <summary>Null when <paramref name="content"/> is a valid answer for <paramref name="format"/>; else why not.</summary>
    public string? Judge(ResponseFormat format, string content)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (string.IsNullOrWhiteSpace(content)) return "the answer is empty";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, Parsing);
        }
        catch (JsonException e)
        {
            return $"the answer is not JSON: {e.Message}";
        }
        using (document)
        {
            var value = document.RootElement;
            if (format.Type == ResponseFormat.JsonObjectType)
                return value.ValueKind == JsonValueKind.Object ? null : $"the answer is {Kind(value)}, not a JSON object";
            var schema = Schema(format.JsonSchema?.Schema ?? throw new ArgumentException("a json_schema response_format without a schema reached validation (the job was not validated)", nameof(format)));
            var result = schema.Evaluate(value, Evaluation);
            return result.IsValid ? null : Describe(result);
        }
    }

    private JsonSchema Schema(JsonElement schema)
    {
        var key = StructuredOutputCompiler.SchemaHash(schema);
        if (_schemas.TryGetValue(key, out var built)) return built;
        if (_schemas.Count >= CacheCapacity) _schemas.Clear();
        // NOTE: a registry of its own per schema, so that two schemas with the same $id never meet.
        built = JsonSchema.FromText(schema.GetRawText(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        return _schemas.GetOrAdd(key, built);
    }

    private static string Describe(EvaluationResults result)
    {
        var errors = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Value}"))
            .Distinct()
            .Take(5)
            .ToArray();
        return errors.Length == 0 ? "the answer does not match the schema" : "the answer does not match the schema: " + string.Join("; ", errors);
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
