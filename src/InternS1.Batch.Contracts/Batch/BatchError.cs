using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>The error part of an output line: a dead-lettered, failed, expired or cancelled job.</summary>
public sealed record BatchError
{
    /// <summary>The code of a job stopped by <c>interns1 cancel</c> (OpenAI's batch output marks cancelled
    /// requests the same way: <c>response: null</c>, an error with this code).</summary>
    public const string CancelledCode = "cancelled";

    /// <summary>The dead letter's <c>reason_code</c> (or the job status when there is none).</summary>
    [JsonPropertyName("code")]
    public required string Code { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }
}
