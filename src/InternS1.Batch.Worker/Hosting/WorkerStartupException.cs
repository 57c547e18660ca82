namespace InternS1.Batch.Worker.Hosting;

/// <summary>The worker cannot start as configured: a service refused its credentials (the message names the
/// setting, e.g. <c>ConnectionStrings:Postgres</c>, and never the secret). Starting again will not help.</summary>
public sealed class WorkerStartupException(string message, Exception? inner = null) : Exception(message, inner);
