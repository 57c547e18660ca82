using System.Text.Json;
using InternS1.Batch.Contracts.Jobs;

namespace InternS1.Batch.Worker.Consumers;

/// <summary>The JSON form of a job as stored in <c>jobs.payload</c> and <c>dead_letters.payload</c>
/// (the contract's snake_case names; it can be published again as it is).</summary>
public static class JobPayload
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(SubmitPromptJob job) => JsonSerializer.Serialize(job, Options);

    /// <summary>The same JSON as <see cref="Serialize"/>, as UTF-8 (what <see cref="Validation.JobContentHash.ComputeFromPayload"/>
    /// reads, so a delivery serializes its job once for the stored payload and the content hash).</summary>
    public static byte[] SerializeToUtf8Bytes(SubmitPromptJob job) => JsonSerializer.SerializeToUtf8Bytes(job, Options);

    /// <summary>Reads a job back; throws <see cref="JsonException"/> naming the path of a bad field.</summary>
    public static SubmitPromptJob Deserialize(string json)
        => JsonSerializer.Deserialize<SubmitPromptJob>(json, Options) ?? throw new JsonException("the job is null");
}
