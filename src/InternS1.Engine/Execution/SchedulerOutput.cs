namespace InternS1.Engine.Execution;

/// <summary>What one engine step computes: an immutable record made by the scheduler.</summary>
/// <param name="StepId">Monotonic step number.</param>
/// <param name="Requests">Requests with tokens scheduled this step, in batch order.</param>
/// <param name="FinishedRequestIds">Requests that ended since the last step: the runner drops any
/// per-request state it keeps (e.g. cached vision features).</param>
public sealed record SchedulerOutput(
    long StepId,
    IReadOnlyList<ScheduledRequest> Requests,
    IReadOnlyList<string> FinishedRequestIds)
{
    /// <summary>Tokens computed this step over all requests.</summary>
    public int TotalScheduledTokens => Requests.Sum(r => r.TokenIds.Count);
}
