using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Storage;

namespace InternS1.Batch.Worker.Validation;

/// <summary>
/// The one check of the identity fields that the bookkeeping needs (<c>job_id</c>, <c>dataset</c>,
/// <c>custom_id</c>): non-empty, within the column sizes of <see cref="Limits"/>, no control characters. Used by the
/// validator, by the consumer (which keys a dead letter by message id when <c>job_id</c> itself is at fault) and by
/// the error-queue recorder.
/// </summary>
public static class JobIdentity
{
    /// <summary>JSON name of the job's idempotency key.</summary>
    public const string JobIdField = "job_id";

    /// <summary>JSON name of the job's dataset.</summary>
    public const string DatasetField = "dataset";

    /// <summary>JSON name of the job's id within its dataset.</summary>
    public const string CustomIdField = "custom_id";

    /// <summary>The first identity field at fault, or null when all three are usable.</summary>
    public static JobRejection? Validate(SubmitPromptJob job)
        => Check(JobIdField, job.JobId, Limits.JobIdLength)
           ?? Check(DatasetField, job.Dataset, Limits.DatasetNameLength)
           ?? Check(CustomIdField, job.CustomId, Limits.CustomIdLength);

    /// <summary>True when <paramref name="jobId"/> can key a row of <c>jobs</c> or <c>dead_letters</c>.</summary>
    public static bool IsUsableJobId(string? jobId) => Check(JobIdField, jobId, Limits.JobIdLength) is null;

    /// <summary>True when <paramref name="dataset"/> can name a row of <c>datasets</c>.</summary>
    public static bool IsUsableDataset(string? dataset) => Check(DatasetField, dataset, Limits.DatasetNameLength) is null;

    /// <summary>The problem with a dataset name (as <c>interns1 submit --dataset</c> reports it), or null.</summary>
    public static JobRejection? CheckDataset(string? dataset) => Check(DatasetField, dataset, Limits.DatasetNameLength);

    /// <summary>A custom_id as it can be stored beside a job that cannot run (cut to the column size; empty when null).</summary>
    public static string Storable(string? customId)
        => customId is null ? "" : customId.Length <= Limits.CustomIdLength ? customId : customId[..Limits.CustomIdLength];

    /// <summary>
    /// The key of a newcomer whose <c>job_id</c> belongs to another job (<c>duplicate_job_id</c>): <c>dup:{job_id}:{hash}</c>
    /// with the first 32 hex digits of its content hash (which covers its dataset and custom_id, so every distinct
    /// newcomer has its own key and a redelivery of the same one finds it again); a job id too long for that is
    /// replaced by 32 hex digits of its SHA-256.
    /// </summary>
    public static string DuplicateKey(string jobId, string payloadHash)
    {
        var key = $"dup:{jobId}:{payloadHash[..32]}";
        if (key.Length <= Limits.JobIdLength) return key;
        var idHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(jobId)))[..32];
        return $"dup:{idHash}:{payloadHash[..32]}";
    }

    private static JobRejection? Check(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
            return Invalid(field, "must be a non-empty string");
        if (value.Length > maxLength)
            return Invalid(field, $"is {value.Length} characters long, the limit is {maxLength}");
        if (value.Any(char.IsControl))
            return Invalid(field, "must not contain control characters");
        return null;
    }

    private static JobRejection Invalid(string field, string detail) => new(FailureReasons.InvalidField, field, detail);
}
