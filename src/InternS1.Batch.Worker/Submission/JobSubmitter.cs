using System.Text.Json;
using System.Text.Json.Nodes;
using InternS1.Batch.Contracts.Batch;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Storage.Ledger;
using InternS1.Batch.Worker.Consumers;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Validation;

namespace InternS1.Batch.Worker.Submission;

/// <summary>
/// <c>interns1 submit</c> without the console: read the whole file, refuse it if any line is structurally bad (or, with
/// <c>strict</c>, if any job would be rejected by the worker), or if a line gives an existing custom_id another prompt
/// (unless <c>replace</c>, which supersedes the old job); connect to the broker; register every new job as
/// <c>queued</c> in <c>jobs</c> (so progress counts them at once), then publish them with confirms. Lines whose job_id
/// belongs to another job are published too (the worker records each as <c>duplicate_job_id</c> in this dataset) and
/// reported. Nothing is published when the file is refused.
/// </summary>
public sealed class JobSubmitter(JobLedger ledger, SubmissionLedger submissions, RabbitMqAddress rabbit, SubmitPromptJobValidator validator)
{
    private sealed record Line(JobLine Job, JobAdmission Admission);

    /// <summary>Submits <paramref name="reader"/>'s lines to <paramref name="dataset"/> on <paramref name="queueName"/>.</summary>
    public Task<SubmitResult> SubmitAsync(TextReader reader, string dataset, string queueName, bool strict,
        Action<int, int>? progress, CancellationToken ct)
        => SubmitAsync(reader, dataset, queueName, new SubmitOptions { Strict = strict }, progress, ct);

    /// <summary>Submits <paramref name="reader"/>'s lines to <paramref name="dataset"/> on <paramref name="queueName"/>.</summary>
    public async Task<SubmitResult> SubmitAsync(TextReader reader, string dataset, string queueName, SubmitOptions options,
        Action<int, int>? progress, CancellationToken ct)
    {
        if (JobIdentity.CheckDataset(dataset) is { } badName)
            return Refuse(new JobFileProblem(0, $"--dataset {badName.Detail}"));
        var (jobs, problems) = JobFileReader.Read(reader, dataset);
        if (problems.Count == 0 && options.Strict)
            problems = StrictProblems(jobs);
        if (problems.Count > 0)
            return new SubmitResult(problems, 0, 0);
        if (jobs.Count == 0)
            return Refuse(new JobFileProblem(0, "the file has no job lines"));

        var lines = jobs.Select(j => new Line(j, Admission(dataset, j))).ToList();
        var plan = await SubmissionPlan.BuildAsync(submissions, dataset, lines.Select(l => (l.Job, l.Admission)).ToList(), options.Replace, ct).ConfigureAwait(false);
        if (plan.Problems.Count > 0)
            return new SubmitResult(plan.Problems, 0, 0);

        // NOTE: connect before writing anything, so an unreachable broker leaves no job registered and never published.
        await using var publisher = await JobPublisher.ConnectAsync(rabbit, queueName, ct).ConfigureAwait(false);
        var replaced = await submissions.SupersedeAsync(dataset, plan.Replacements, ct).ConfigureAwait(false);
        var registered = 0;
        foreach (var chunk in lines.Where(l => plan.IsNew(l.Job) && Registrable(dataset, l.Job)).Select(l => l.Admission).Chunk(1000))
            registered += await ledger.RegisterQueuedAsync(dataset, chunk, ct).ConfigureAwait(false);

        await publisher.PublishAllAsync(jobs.Select(j => (j.JobId, j.Job.ToJsonString())).ToList(), n => progress?.Invoke(n, jobs.Count), ct).ConfigureAwait(false);
        return new SubmitResult([], jobs.Count, registered) { Replaced = replaced, DuplicateJobIds = plan.DuplicateJobIds };
    }

    private static SubmitResult Refuse(JobFileProblem problem) => new([problem], 0, 0);

    private List<JobFileProblem> StrictProblems(IReadOnlyList<JobLine> jobs)
    {
        var problems = new List<JobFileProblem>();
        foreach (var line in jobs)
        {
            try
            {
                var job = JobPayload.Deserialize(line.Job.ToJsonString());
                if (validator.Validate(job) is { } rejection)
                    problems.Add(new(line.LineNumber, $"{rejection.ReasonCode}: {rejection.Message}"));
            }
            catch (JsonException ex)
            {
                problems.Add(new(line.LineNumber, $"malformed_message: {ex.Message}"));
            }
        }
        return problems;
    }

    /// <summary>True when the worker's identity check accepts the line's ids (the one implementation of it).</summary>
    private bool Registrable(string dataset, JobLine line)
        => validator.ValidateIdentity(new SubmitPromptJob { JobId = line.JobId, Dataset = dataset, CustomId = line.CustomId, Messages = [] }) is null;

    private static JobAdmission Admission(string dataset, JobLine line) => new()
    {
        JobId = line.JobId,
        Dataset = dataset,
        CustomId = line.CustomId,
        Priority = line.Job["priority"] is JsonValue p && p.TryGetValue<int>(out var priority) ? priority : 0,
        Deadline = line.Job["deadline"] is JsonValue d && d.TryGetValue<string>(out var text) && DateTimeOffset.TryParse(text, out var deadline) ? deadline : null,
        PayloadJson = line.Job.ToJsonString(),
        PayloadHash = Hash(line.Job),
    };

    /// <summary>The content hash the worker will compute for the line's job; null when the line does not read as a job
    /// (the worker dead-letters it as malformed).</summary>
    private static string? Hash(JsonObject job)
    {
        try
        {
            return JobContentHash.Compute(JobPayload.Deserialize(job.ToJsonString()));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
