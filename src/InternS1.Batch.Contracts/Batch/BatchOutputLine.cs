using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>One line of an OpenAI Batch API output file, as written by <c>interns1 export</c>:
/// <c>{"id","custom_id","response":{"status_code","request_id","body"},"error"}</c>.</summary>
public sealed record BatchOutputLine
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("custom_id")]
    public required string CustomId { get; init; }

    [JsonPropertyName("response")]
    public BatchResponse? Response { get; init; }

    [JsonPropertyName("error")]
    public BatchError? Error { get; init; }
}

/// <summary>The response part of an output line; <c>body</c> is a <c>chat.completion</c> object.</summary>
public sealed record BatchResponse
{
    [JsonPropertyName("status_code")]
    public int StatusCode { get; init; }

    [JsonPropertyName("request_id")]
    public required string RequestId { get; init; }

    [JsonPropertyName("body")]
    public JsonElement? Body { get; init; }
}

/// <summary>The error part of an output line (a dead-lettered job).</summary>
public sealed record BatchError
{
    [JsonPropertyName("code")]
    public required string Code { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }
}
