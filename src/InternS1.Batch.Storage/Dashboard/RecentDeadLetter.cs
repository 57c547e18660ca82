namespace InternS1.Batch.Storage.Dashboard;

/// <summary>A row of <c>dead_letter_messages</c>: an open dead letter without payload or exception text.</summary>
public sealed record RecentDeadLetter(string JobId, string? CustomId, string ReasonCode, string Message, int Attempts, string Source, DateTime CreatedAt);
