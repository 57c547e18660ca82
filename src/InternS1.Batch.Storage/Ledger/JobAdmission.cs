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

    /// <summary>The content hash (<c>jobs.payload_hash</c>); null when it could not be computed (the job does not
    /// read as a job), which matches any stored hash.</summary>
    public string? PayloadHash { get; init; }

    /// <summary>The worker instance starting the delivery (<c>jobs.attempt_owner</c>), for telling a crashed earlier
    /// delivery from one this instance ended; null: not tracked.</summary>
    public string? AttemptOwner { get; init; }
}
