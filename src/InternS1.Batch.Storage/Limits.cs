namespace InternS1.Batch.Storage;

/// <summary>Column sizes and constraint names shared by the schema, the validator and the SQL writers.</summary>
public static class Limits
{
    /// <summary>Longest <c>job_id</c> (characters).</summary>
    public const int JobIdLength = 200;

    /// <summary>Longest dataset name (characters).</summary>
    public const int DatasetNameLength = 200;

    /// <summary>Longest <c>custom_id</c> (characters).</summary>
    public const int CustomIdLength = 512;

    /// <summary>Length of <c>jobs.payload_hash</c> (lower-case hex SHA-256).</summary>
    public const int PayloadHashLength = 64;

    /// <summary>The partial unique index on <c>jobs (dataset, custom_id)</c>.</summary>
    public const string CustomIdIndexName = "ux_jobs_dataset_custom_id";

    /// <summary>The partial unique index on open <c>dead_letters (job_id)</c>.</summary>
    public const string OpenDeadLetterIndexName = "ux_dead_letters_open_job_id";
}
