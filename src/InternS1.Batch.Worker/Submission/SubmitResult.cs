using InternS1.Batch.Contracts.Batch;

namespace InternS1.Batch.Worker.Submission;

/// <summary>What <see cref="JobSubmitter.SubmitAsync(TextReader, string, string, SubmitOptions, Action{int, int}?, CancellationToken)"/>
/// did: either refused the file (problems, nothing published) or published every job.</summary>
/// <param name="Problems">Why the file was refused (nothing was published); empty when it was not.</param>
/// <param name="Published">Jobs published.</param>
/// <param name="NewlyRegistered">Jobs added to the dataset as queued.</param>
public sealed record SubmitResult(IReadOnlyList<JobFileProblem> Problems, int Published, int NewlyRegistered)
{
    public bool Refused => Problems.Count > 0;

    /// <summary>Jobs whose earlier prompt was superseded (<c>--replace</c>).</summary>
    public int Replaced { get; init; }

    /// <summary>Lines published whose job_id already belongs to another job (another dataset or custom_id, or an
    /// earlier line): the worker records each as <c>duplicate_job_id</c> in this dataset.</summary>
    public IReadOnlyList<JobFileProblem> DuplicateJobIds { get; init; } = [];
}
