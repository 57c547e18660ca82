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
}
