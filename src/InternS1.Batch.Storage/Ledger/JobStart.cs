namespace InternS1.Batch.Storage.Ledger;

/// <summary>The outcome of registering a delivery of a job.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Status">The job's status after the call (for a conflict: the holder's).</param>
/// <param name="Attempts">Deliveries that started work, this one included.</param>
/// <param name="ConflictingJobId">For <see cref="JobStartKind.DuplicateCustomId"/>: the job holding the custom_id.</param>
/// <param name="Crashes">Deliveries that started the job in a worker that died before ending it.</param>
public sealed record JobStart(JobStartKind Kind, string Status, int Attempts, string? ConflictingJobId = null, int Crashes = 0);
