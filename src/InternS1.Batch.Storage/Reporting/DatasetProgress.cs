using System.Text.Json.Serialization;

namespace InternS1.Batch.Storage.Reporting;

/// <summary>A row of the <c>dataset_progress</c> view (total = succeeded + failed + dead_lettered + pending;
/// failed counts the expired and cancelled jobs too, which are also given on their own; of the succeeded,
/// structured_valid + structured_invalid had a structured response_format).</summary>
public sealed record DatasetProgress
{
    [JsonPropertyName("dataset")] public required string Dataset { get; init; }
    [JsonPropertyName("total")] public long Total { get; init; }
    [JsonPropertyName("succeeded")] public long Succeeded { get; init; }
    [JsonPropertyName("failed")] public long Failed { get; init; }
    [JsonPropertyName("dead_lettered")] public long DeadLettered { get; init; }
    [JsonPropertyName("pending")] public long Pending { get; init; }
    [JsonPropertyName("queued")] public long Queued { get; init; }
    [JsonPropertyName("running")] public long Running { get; init; }
    [JsonPropertyName("expired")] public long Expired { get; init; }
    [JsonPropertyName("cancelled")] public long Cancelled { get; init; }
    [JsonPropertyName("created_at")] public DateTime CreatedAt { get; init; }
    [JsonPropertyName("last_finished_at")] public DateTime? LastFinishedAt { get; init; }

    /// <summary>Succeeded jobs with a structured response_format whose answer validated.</summary>
    [JsonPropertyName("structured_valid")] public long StructuredValid { get; init; }

    /// <summary>Succeeded jobs with a structured response_format whose answer did not validate (e.g. cut by max_new_tokens).</summary>
    [JsonPropertyName("structured_invalid")] public long StructuredInvalid { get; init; }
}
