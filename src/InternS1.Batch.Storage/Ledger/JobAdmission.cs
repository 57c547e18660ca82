namespace InternS1.Batch.Storage.Ledger;

/// <summary>The identity and bookkeeping fields of a job, as registered in <c>jobs</c>.</summary>
public sealed record JobAdmission
{
    public required string JobId { get; init; }
    public required string Dataset { get; init; }
    public required string CustomId { get; init; }
    public int Priority { get; init; }
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>The job message as JSON.</summary>
    public required string PayloadJson { get; init; }
}
