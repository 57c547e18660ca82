using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>One line of <c>interns1 export --structured-only</c>: <c>{"custom_id": "...", "value": {...}}</c>, the
/// parsed answer of a job whose structured answer validated (<c>structured_valid</c> true), nothing else.</summary>
public sealed record StructuredValueLine
{
    [JsonPropertyName("custom_id")]
    public required string CustomId { get; init; }

    /// <summary>The answer as JSON (an object for <c>json_object</c>; any value of the schema for <c>json_schema</c>).</summary>
    [JsonPropertyName("value")]
    public required JsonElement Value { get; init; }
}
