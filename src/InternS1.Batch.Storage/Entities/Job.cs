namespace InternS1.Batch.Storage.Entities;

/// <summary>A row of <c>jobs</c>: one prompt job, keyed by its idempotency key <c>job_id</c>.</summary>
public sealed class Job
{
    /// <summary>The job id (<c>SubmitPromptJob.job_id</c>), the idempotency key.</summary>
    public required string Id { get; set; }

    public required string Dataset { get; set; }

    /// <summary>The producer's id; unique within the dataset among jobs that are not dead-lettered.</summary>
    public required string CustomId { get; set; }

    /// <summary>One of <see cref="JobStatus"/>.</summary>
    public required string Status { get; set; }

    /// <summary>Deliveries that started work on this job (redeliveries and retries included).</summary>
    public int Attempts { get; set; }

    public int Priority { get; set; }

    public DateTime? Deadline { get; set; }

    /// <summary>The job message as JSON (jsonb).</summary>
    public required string Payload { get; set; }

    /// <summary>Lower-case hex SHA-256 of the job's canonical content (dataset, custom_id, messages, tools, sampling,
    /// response_format, enable_thinking, chat_template_kwargs): a delivery with this id but another hash is another
    /// job. Null for rows written before the hash existed (then only dataset and custom_id are compared).</summary>
    public string? PayloadHash { get; set; }

    /// <summary>Deliveries that started the job in a worker that then died before ending it (the next start found the
    /// previous one still open under another worker instance). A job with crashes runs alone in its worker.</summary>
    public int Crashes { get; set; }

    /// <summary>The worker instance whose delivery is executing the job now; null when none is (a delivery that ends
    /// without a crash clears it).</summary>
    public string? AttemptOwner { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    public JobResult? Result { get; set; }

    public TokenUsage? TokenUsage { get; set; }
}
