namespace InternS1.Batch.Storage.Ledger;

/// <summary>What the ledger says about one job: its <c>jobs.status</c>, whether a <c>results</c> row exists, and
/// whether its stored payload equals a given job JSON (compared as <c>jsonb</c>).</summary>
public sealed record JobState(string Status, bool HasResult, bool SamePayload);
