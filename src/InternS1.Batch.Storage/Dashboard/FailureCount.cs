namespace InternS1.Batch.Storage.Dashboard;

/// <summary>A row of <c>failures_by_reason</c>: open dead letters of one reason.</summary>
public sealed record FailureCount(string ReasonCode, long DeadLetters, DateTime FirstAt, DateTime LastAt);
