namespace InternS1.Batch.Storage.Entities;

/// <summary>
/// A row of <c>superseded_jobs</c>: what a job was before <c>interns1 submit --replace</c> gave its custom_id a new
/// prompt. The job row itself is reset to <c>queued</c> with the new payload and hash; its old result (with its token
/// usage) or open dead letter is kept here, never silently lost.
/// </summary>
public sealed class SupersededJob
{
    public long Id { get; set; }

    /// <summary>The job id (it stays the id of the replacing job).</summary>
    public required string JobId { get; set; }

    public required string Dataset { get; set; }

    public required string CustomId { get; set; }

    /// <summary>The job's status when it was superseded.</summary>
    public required string Status { get; set; }

    /// <summary>The old job message (jsonb).</summary>
    public required string Payload { get; set; }

    /// <summary>The old content hash (null for rows from before hashes).</summary>
    public string? PayloadHash { get; set; }

    /// <summary>The old <c>results</c> row with its <c>token_usage</c> under <c>usage</c> (jsonb); null if it had none.</summary>
    public string? Result { get; set; }

    /// <summary>The old open <c>dead_letters</c> row without its payload (jsonb); null if it had none.</summary>
    public string? DeadLetter { get; set; }

    public DateTime SupersededAt { get; set; }

    /// <summary>The content hash of the job that replaced it.</summary>
    public required string SupersededBy { get; set; }
}
