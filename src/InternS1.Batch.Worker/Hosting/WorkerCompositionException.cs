namespace InternS1.Batch.Worker.Hosting;

/// <summary>The worker was composed without a part it needs (its message says which and how to fix it).</summary>
public sealed class WorkerCompositionException(string message) : Exception(message);
