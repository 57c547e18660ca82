using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>An OpenAI <c>chat.completion</c> object (the body of a succeeded output line), fields in the
/// order OpenAI writes them.</summary>
public sealed record ChatCompletion
{
    /// <summary><c>chatcmpl-</c> + the job id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("object")]
    public string Object { get; init; } = "chat.completion";

    /// <summary>Unix seconds of the result (0 when unknown).</summary>
    [JsonPropertyName("created")]
    public long Created { get; init; }

    [JsonPropertyName("model")]
    public string? Model { get; init; }

    [JsonPropertyName("choices")]
    public required IReadOnlyList<ChatCompletionChoice> Choices { get; init; }

    [JsonPropertyName("usage")]
    public required CompletionUsage Usage { get; init; }

    /// <summary>The job's sampling seed.</summary>
    [JsonPropertyName("seed")]
    public long Seed { get; init; }

    /// <summary>For a job with a structured <c>response_format</c> (<c>json_object</c>, <c>json_schema</c>): whether
    /// <c>choices[0].message.content</c> parsed and validated against it. Left out for free-text jobs.</summary>
    [JsonPropertyName("structured_valid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? StructuredValid { get; init; }

    /// <summary>Why the content failed validation (only when <see cref="StructuredValid"/> is false).</summary>
    [JsonPropertyName("structured_error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StructuredError { get; init; }
}
