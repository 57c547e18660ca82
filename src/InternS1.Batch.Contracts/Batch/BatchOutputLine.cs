using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>One line of an OpenAI Batch API output file, as written by <c>interns1 export</c>:
/// <c>{"id","custom_id","response":{"status_code","request_id","body"},"error"}</c>. Exactly one of
/// <see cref="Response"/> (a succeeded job) and <see cref="Error"/> (a job that ended without a result) is set;
/// the other is written as <c>null</c>.</summary>
public sealed record BatchOutputLine
{
    /// <summary><c>batch_req_</c> + the job id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("custom_id")]
    public required string CustomId { get; init; }

    [JsonPropertyName("response")]
    public BatchResponse? Response { get; init; }

    [JsonPropertyName("error")]
    public BatchError? Error { get; init; }
}
