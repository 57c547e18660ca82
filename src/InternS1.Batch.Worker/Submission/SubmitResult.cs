using InternS1.Batch.Contracts.Batch;

namespace InternS1.Batch.Worker.Submission;

/// <summary>What <see cref="JobSubmitter.SubmitAsync"/> did: either refused the file (problems, nothing
/// published) or published every job.</summary>
public sealed record SubmitResult(IReadOnlyList<JobFileProblem> Problems, int Published, int NewlyRegistered)
{
    public bool Refused => Problems.Count > 0;
}
