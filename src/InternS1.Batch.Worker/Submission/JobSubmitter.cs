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
/// <c>interns1 submit</c> without the console: read the whole file, refuse it if any line is structurally
/// bad (or, with <c>strict</c>, if any job would be rejected by the worker), register every job as
/// <c>queued</c> in <c>jobs</c> (so progress counts them at once), then publish them with confirms.
/// Nothing is published when the file is refused.
/// </summary>
public sealed class JobSubmitter(JobLedger ledger, RabbitMqAddress rabbit, SubmitPromptJobValidator validator)
{
    /// <summary>Submits <paramref name="reader"/>'s lines to <paramref name="dataset"/> on <paramref name="queueName"/>.</summary>
    public async Task<SubmitResult> SubmitAsync(TextReader reader, string dataset, string queueName, bool strict,
        Action<int, int>? progress, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(dataset))
            return new SubmitResult([new JobFileProblem(0, "--dataset must be a non-empty name")], 0, 0);
        if (dataset.Length > Storage.Limits.DatasetNameLength)
            return new SubmitResult([new JobFileProblem(0, $"--dataset is longer than {Storage.Limits.DatasetNameLength} characters")], 0, 0);
        var (jobs, problems) = JobFileReader.Read(reader, dataset);
        if (problems.Count == 0 && strict)
            problems = StrictProblems(jobs);
        if (problems.Count > 0)
            return new SubmitResult(problems, 0, 0);
        if (jobs.Count == 0)
            return new SubmitResult([new JobFileProblem(0, "the file has no job lines")], 0, 0);

        var registered = 0;
        foreach (var chunk in jobs.Chunk(1000))
        {
            // Ids the schema cannot hold are not registered here: the worker dead-letters those jobs.
            var admissions = chunk.Where(j => Registrable(dataset, j)).Select(j => Admission(dataset, j)).ToList();
            if (admissions.Count > 0)
                registered += await ledger.RegisterQueuedAsync(dataset, admissions, ct).ConfigureAwait(false);
        }

        await using var publisher = await JobPublisher.ConnectAsync(rabbit, queueName, ct).ConfigureAwait(false);
        await publisher.PublishAllAsync(jobs.Select(j => (j.JobId, j.Job.ToJsonString())).ToList(), n => progress?.Invoke(n, jobs.Count), ct).ConfigureAwait(false);
        return new SubmitResult([], jobs.Count, registered);
    }

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
    };
}
