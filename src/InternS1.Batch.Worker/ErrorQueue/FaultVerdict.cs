using InternS1.Batch.Storage.Writing;

namespace InternS1.Batch.Worker.ErrorQueue;

/// <summary>The outcome of <see cref="FaultAttribution.DecideAsync"/>: what kind, the dead letter to write
/// (null when the message is ignored) and why, for the log.</summary>
public sealed record FaultVerdict(FaultVerdictKind Kind, DeadLetterRecord? Record, string Why);
