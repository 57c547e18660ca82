using System.ComponentModel.DataAnnotations;

namespace InternS1.Batch.Storage;

/// <summary>Database settings (section <c>Storage</c>). The connection string itself comes from
/// <c>ConnectionStrings:Postgres</c> (environment: <c>ConnectionStrings__Postgres</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The connection string name under <c>ConnectionStrings</c>.</summary>
    public const string ConnectionStringName = "Postgres";

    /// <summary>Most results (and dead letters) written in one transaction. Default 256.</summary>
    [Range(1, 10_000)]
    public int WriteBatchSize { get; set; } = 256;

    /// <summary>How long the writer waits for more completions after the first one of a group. Default 0: no wait; a
    /// group is what queued while the previous group committed (the commit itself is the window).
    /// NOTE: a timed window only delays: every job waiting for its commit holds a concurrency slot, so a window of 10 ms
    /// bounded the worker to <c>Worker:ConcurrentMessageLimit</c> jobs per ~10 ms whatever the engine's speed, and the
    /// records arriving during a commit are grouped anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan WriteBatchWindow { get; set; } = TimeSpan.Zero;

    /// <summary>Retries of a group write on transient database errors (exponential backoff with jitter). Default 8.</summary>
    [Range(0, 100)]
    public int WriteRetryAttempts { get; set; } = 8;

    /// <summary>First retry delay of a group write. Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan WriteRetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between two retries of a group write. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan WriteRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);
}
