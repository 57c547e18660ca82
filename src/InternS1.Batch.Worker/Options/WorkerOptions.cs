using System.ComponentModel.DataAnnotations;

namespace InternS1.Batch.Worker.Options;

/// <summary>Worker settings (section <c>Worker</c>; environment <c>INTERNS1_Worker__QueueName</c> etc.).
/// The broker itself comes from <c>ConnectionStrings:RabbitMq</c> (an <c>amqp://user:pass@host:port/vhost</c> URI).</summary>
public sealed class WorkerOptions : IValidatableObject
{
    public const string SectionName = "Worker";

    /// <summary>The durable quorum queue the jobs arrive on (and the exchange of the same name). Default <c>interns1-jobs</c>.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._:-]{1,200}$")]
    public string QueueName { get; set; } = "interns1-jobs";

    /// <summary>Unacknowledged messages the broker hands this worker at once. Keep it near what the engine
    /// can start soon: every prefetched job counts against the broker's consumer_timeout. Default 32.</summary>
    [Range(1, 65535)]
    public int PrefetchCount { get; set; } = 32;

    /// <summary>Jobs executed concurrently (handed to the engine's continuous batching). Default 32.</summary>
    [Range(1, 10_000)]
    public int ConcurrentMessageLimit { get; set; } = 32;

    /// <summary>Retry intervals used when <see cref="RetryIntervals"/> is not configured.</summary>
    public static readonly TimeSpan[] DefaultRetryIntervals = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)];

    /// <summary>In-memory retry intervals for transient faults (engine out of memory, database or broker
    /// unavailable); one retry per entry, then the message goes to the <c>_error</c> queue and is recorded
    /// as <c>retries_exhausted</c>. Default 1 s, 5 s, 15 s, 30 s.
    /// NOTE: nullable because the configuration binder appends configured array items to a non-empty default.</summary>
    public TimeSpan[]? RetryIntervals { get; set; }

    /// <summary>The configured intervals, or the defaults.</summary>
    public TimeSpan[] EffectiveRetryIntervals => RetryIntervals is { Length: > 0 } r ? r : DefaultRetryIntervals;

    /// <summary>Most deliveries that may start a job (redeliveries after crashes and transient retries
    /// included, counted in <c>jobs.attempts</c>); past it the job is dead-lettered as <c>engine_error</c>,
    /// so a job that kills the worker cannot loop forever. Default 20.</summary>
    [Range(1, 10_000)]
    public int MaxAttempts { get; set; } = 20;

    /// <summary>On shutdown: how long in-flight jobs may run before they are cancelled and handed back to
    /// the broker (redelivered later). The host and MassTransit stop timeouts are derived from it. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>While PostgreSQL is unreachable (a job's database operation failed with a connection fault) intake
    /// is paused and the database is probed (<c>SELECT 1</c>) this often; the first answer resumes intake.
    /// Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan DatabaseProbeInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Publish <c>PromptJobCompleted</c> / <c>PromptJobFailed</c> after each commit. Default false.</summary>
    public bool PublishEvents { get; set; }

    /// <summary>Apply the EF Core migrations when the worker starts. Default false (use <c>interns1 migrate</c>).</summary>
    public bool MigrateOnStart { get; set; }

    /// <summary>Drain the <c>_error</c> and <c>_skipped</c> queues into <c>dead_letters</c>. Default true.</summary>
    public bool RecordErrorQueues { get; set; } = true;

    /// <summary>Port of the HTTP health endpoint (<c>/healthz</c>, <c>/readyz</c>); 0 disables it. Default 0.</summary>
    [Range(0, 65535)]
    public int HealthPort { get; set; }

    /// <summary>Where the health endpoint listens: <c>127.0.0.1</c> (default, loopback only); <c>*</c>, <c>0.0.0.0</c>
    /// or <c>[::]</c> = every interface (containers: probes come from outside); or one host name or address, which
    /// probes must then use as the request's host.</summary>
    [Required, RegularExpression(Hosting.ListenHost.Pattern,
        ErrorMessage = "Worker:HealthHost must be 127.0.0.1, * or 0.0.0.0 (every interface), a host name or an IP address ([...] for IPv6)")]
    public string HealthHost { get; set; } = Hosting.ListenHost.Loopback;

    /// <summary>Port of the Prometheus metrics endpoint (<c>/metrics</c>); 0 disables it. Default 0.</summary>
    [Range(0, 65535)]
    public int MetricsPort { get; set; }

    /// <summary>Where the metrics endpoint listens: <c>127.0.0.1</c> (default, loopback only); <c>*</c>, <c>0.0.0.0</c>
    /// or <c>[::]</c> = every interface (containers are scraped from outside); or one host name or address, which
    /// scrapers must then use as the request's host.</summary>
    [Required, RegularExpression(Hosting.ListenHost.Pattern,
        ErrorMessage = "Worker:MetricsHost must be 127.0.0.1, * or 0.0.0.0 (every interface), a host name or an IP address ([...] for IPv6)")]
    public string MetricsHost { get; set; } = Hosting.ListenHost.Loopback;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (EffectiveRetryIntervals.Any(i => i < TimeSpan.Zero || i > TimeSpan.FromHours(1)))
            yield return new ValidationResult("Worker:RetryIntervals: every interval must be between 0 and 1 hour.", [nameof(RetryIntervals)]);
        if (PrefetchCount < ConcurrentMessageLimit)
            yield return new ValidationResult(
                $"Worker:PrefetchCount ({PrefetchCount}) must be at least Worker:ConcurrentMessageLimit ({ConcurrentMessageLimit}), or the limit is never reached.",
                [nameof(PrefetchCount)]);
        if (HealthPort != 0 && HealthPort == MetricsPort)
            yield return new ValidationResult("Worker:HealthPort and Worker:MetricsPort must differ.", [nameof(HealthPort)]);
    }
}
