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

    /// <summary>How long the writer waits for more completions after the first one of a group. Default 10 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan WriteBatchWindow { get; set; } = TimeSpan.FromMilliseconds(10);

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
