using System.Text.Json.Serialization;

namespace InternS1.Batch.Storage.Reporting;

/// <summary>An open dead letter as listed by <c>interns1 dead-letters list</c>.</summary>
public sealed record DeadLetterRow
{
    [JsonPropertyName("id")] public long Id { get; init; }
    [JsonPropertyName("job_id")] public required string JobId { get; init; }
    [JsonPropertyName("dataset")] public string? Dataset { get; init; }
    [JsonPropertyName("custom_id")] public string? CustomId { get; init; }
    [JsonPropertyName("reason_code")] public required string ReasonCode { get; init; }
    [JsonPropertyName("message")] public required string Message { get; init; }
    [JsonPropertyName("attempts")] public int Attempts { get; init; }
    [JsonPropertyName("source")] public required string Source { get; init; }
    [JsonPropertyName("created_at")] public DateTime CreatedAt { get; init; }
    [JsonIgnore] public string Payload { get; init; } = "{}";
}
