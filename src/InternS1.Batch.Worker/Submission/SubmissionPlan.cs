using InternS1.Batch.Contracts.Batch;
using InternS1.Batch.Storage.Ledger;

namespace InternS1.Batch.Worker.Submission;

/// <summary>
/// What <see cref="JobSubmitter"/> does with each line, judged against the rows that already hold its job id or its
/// custom_id: a new job (registered as queued); the same job again (same job id, dataset, custom_id and content hash:
/// published, the worker acknowledges or finishes it); a job id that belongs to another job, or repeats an earlier
/// line (published and reported: the worker records a <c>duplicate_job_id</c> in this dataset); a changed prompt under
/// an existing custom_id (refused, or superseded with <c>--replace</c> when the job id is the same).
/// </summary>
internal sealed class SubmissionPlan
{
    private readonly HashSet<int> _new = [];

    private SubmissionPlan() { }

    public List<JobFileProblem> Problems { get; } = [];

    public List<JobFileProblem> DuplicateJobIds { get; } = [];

    public List<JobAdmission> Replacements { get; } = [];

    /// <summary>True when the line is a job the dataset does not have yet.</summary>
    public bool IsNew(JobLine line) => _new.Contains(line.LineNumber);

    public static async Task<SubmissionPlan> BuildAsync(SubmissionLedger ledger, string dataset, IReadOnlyList<(JobLine Line, JobAdmission Admission)> lines,
        bool replace, CancellationToken ct)
    {
        var byId = new Dictionary<string, SubmissionLedger.ExistingJob>(StringComparer.Ordinal);
        var byCustomId = new Dictionary<string, SubmissionLedger.ExistingJob>(StringComparer.Ordinal);
        foreach (var chunk in lines.Chunk(1000))
        {
            var rows = await ledger.FindAsync(dataset, chunk.Select(l => l.Line.JobId).ToList(), chunk.Select(l => l.Line.CustomId).ToList(), ct).ConfigureAwait(false);
            foreach (var row in rows)
            {
                byId[row.JobId] = row;
                if (row.Dataset == dataset && row.Status != Storage.Entities.JobStatus.DeadLettered)
                    byCustomId[row.CustomId] = row;
            }
        }

        var plan = new SubmissionPlan();
        var firstLineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (line, admission) in lines)
        {
            if (firstLineOfId.TryGetValue(line.JobId, out var first))
            {
                plan.DuplicateJobIds.Add(new(line.LineNumber, $"job_id '{line.JobId}' repeats line {first}; the worker records this line as duplicate_job_id"));
                continue;
            }
            firstLineOfId[line.JobId] = line.LineNumber;
            if (byId.TryGetValue(line.JobId, out var holder))
                plan.Judge(line, admission, holder, replace);
            else if (byCustomId.TryGetValue(line.CustomId, out var other) && Differs(other.PayloadHash, admission.PayloadHash))
                plan.Problems.Add(new(line.LineNumber,
                    $"custom_id '{line.CustomId}' already belongs to job '{other.JobId}' with another prompt; --replace supersedes only a job " +
                    "with the same job_id (leave job_id out to derive it from the dataset and custom_id)"));
            else if (!byCustomId.ContainsKey(line.CustomId))
                plan._new.Add(line.LineNumber);
        }
        return plan;
    }

    private void Judge(JobLine line, JobAdmission admission, SubmissionLedger.ExistingJob holder, bool replace)
    {
        if (holder.Dataset != admission.Dataset || holder.CustomId != line.CustomId)
            DuplicateJobIds.Add(new(line.LineNumber,
                $"job_id '{line.JobId}' already belongs to another job (another dataset or custom_id); the worker records this line as duplicate_job_id"));
        else if (Differs(holder.PayloadHash, admission.PayloadHash))
        {
            if (replace)
                Replacements.Add(admission);
            else
                Problems.Add(new(line.LineNumber,
                    $"custom_id '{line.CustomId}' already has job '{line.JobId}' with another prompt (status {holder.Status}); " +
                    "use --replace to supersede it (its result is kept in superseded_jobs)"));
        }
    }

    /// <summary>Both hashes known and different (an unknown hash matches anything).</summary>
    private static bool Differs(string? stored, string? line) => stored is not null && line is not null && stored != line;
}
