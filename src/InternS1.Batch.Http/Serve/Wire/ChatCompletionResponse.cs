using System.Text.Json.Serialization;
using InternS1.Batch.Contracts.Batch;

namespace InternS1.Batch.Http.Serve.Wire;

/// <summary>The <c>chat.completion</c> answer of a non-streamed request (OpenAI's shape; one choice).</summary>
public sealed record ChatCompletionResponse
{
    /// <summary><c>chatcmpl-</c> + 32 hex digits; also the request's <c>jobs.id</c>.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("object")]
    public string Object { get; init; } = "chat.completion";

    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("created")]
    public long Created { get; init; }

    [JsonPropertyName("model")]
    public required string Model { get; init; }

    [JsonPropertyName("choices")]
    public required IReadOnlyList<ResponseChoice> Choices { get; init; }

    /// <summary>Prompt tokens (with <c>prompt_tokens_details.cached_tokens</c>, image and video tokens) and completion
    /// tokens (with <c>completion_tokens_details.reasoning_tokens</c>).</summary>
    [JsonPropertyName("usage")]
    public required CompletionUsage Usage { get; init; }

    /// <summary>The sampling seed used (the request's, or the one drawn for it).</summary>
    [JsonPropertyName("seed")]
    public long Seed { get; init; }

    /// <summary>Not in OpenAI's shape: for a structured <c>response_format</c> (<c>json_object</c>, <c>json_schema</c>),
    /// whether the answer parsed and validated (the <c>structured_valid</c> of its <c>results</c> row); absent otherwise.</summary>
    [JsonPropertyName("structured_valid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? StructuredValid { get; init; }

    /// <summary>Not in OpenAI's shape: why a structured answer did not validate; absent when it did.</summary>
    [JsonPropertyName("structured_error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StructuredError { get; init; }
}
