using System.Text.Json.Serialization;
using InternS1.Batch.Contracts.Batch;

namespace InternS1.Batch.Http.Serve.Wire;

/// <summary>One server-sent event of a streamed request (<c>chat.completion.chunk</c>): a delta of the one choice,
/// or, last and only with <c>stream_options.include_usage</c>, no choice and the usage.</summary>
public sealed record ChatCompletionChunk
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("object")]
    public string Object { get; init; } = "chat.completion.chunk";

    [JsonPropertyName("created")]
    public long Created { get; init; }

    [JsonPropertyName("model")]
    public required string Model { get; init; }

    [JsonPropertyName("choices")]
    public required IReadOnlyList<ChunkChoice> Choices { get; init; }

    [JsonPropertyName("usage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CompletionUsage? Usage { get; init; }

    /// <summary>Not in OpenAI's shape: for a structured <c>response_format</c> (<c>json_object</c>, <c>json_schema</c>),
    /// on the chunk with the finish reason: whether the answer parsed and validated (the <c>structured_valid</c> of its <c>results</c> row); absent otherwise.</summary>
    [JsonPropertyName("structured_valid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? StructuredValid { get; init; }

    /// <summary>Not in OpenAI's shape: why a structured answer did not validate; absent when it did.</summary>
    [JsonPropertyName("structured_error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StructuredError { get; init; }
}
