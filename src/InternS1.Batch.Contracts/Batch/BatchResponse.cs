using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>The response part of an output line: HTTP status 200 and a <c>chat.completion</c> body.</summary>
public sealed record BatchResponse
{
    [JsonPropertyName("status_code")]
    public int StatusCode { get; init; }

    /// <summary>The job id.</summary>
    [JsonPropertyName("request_id")]
    public required string RequestId { get; init; }

    [JsonPropertyName("body")]
    public ChatCompletion? Body { get; init; }
}
