namespace InternS1.Batch.Worker.Submission;

/// <summary>How <see cref="JobSubmitter"/> treats a file (the flags of <c>interns1 submit</c>).</summary>
public sealed record SubmitOptions
{
    /// <summary><c>--strict</c>: also refuse the file when any job would be rejected by the worker's validation.</summary>
    public bool Strict { get; init; }

    /// <summary><c>--replace</c>: a line whose custom_id already has a job with another prompt supersedes it (the old
    /// result or dead letter is kept in <c>superseded_jobs</c>, the job is queued again with the new prompt) instead of
    /// refusing the file.</summary>
    public bool Replace { get; init; }
}
