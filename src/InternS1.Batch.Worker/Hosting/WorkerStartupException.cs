namespace InternS1.Batch.Worker.Hosting;

/// <summary>The worker cannot start as configured: a service refused its credentials, or a port it must listen on is
/// taken (the message names the setting, e.g. <c>ConnectionStrings:Postgres</c> or <c>Worker:HealthPort</c>, and never
/// a secret). Starting again as it is will not help.</summary>
public sealed class WorkerStartupException(string message, Exception? inner = null) : Exception(message, inner);
