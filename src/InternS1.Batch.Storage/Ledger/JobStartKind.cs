namespace InternS1.Batch.Storage.Ledger;

/// <summary>What <see cref="JobLedger.BeginAsync"/> found.</summary>
public enum JobStartKind
{
    /// <summary>The job is now <c>running</c>; go on.</summary>
    Started,

    /// <summary>The job already ended (result or dead letter): acknowledge without work.</summary>
    AlreadyFinished,

    /// <summary>Another job of the dataset holds this custom_id; this job was recorded as dead-lettered.</summary>
    DuplicateCustomId,

    /// <summary>The job id belongs to another job (another dataset, custom_id or content hash); nothing was changed.
    /// The newcomer needs a row and a dead letter of its own (<c>duplicate_job_id</c>).</summary>
    IdentityConflict,

    /// <summary>This content was superseded under its job id (<c>submit --replace</c>): a stale copy; acknowledge.</summary>
    Superseded,
}
