using System.Text.Json.Nodes;

namespace InternS1.Batch.Benchmarks.Pipeline;

/// <summary>The result of <c>interns1 bench pipeline</c>: the real worker (group commit) against the naive
/// consumer (one <c>SaveChanges</c> per job) on the same number of jobs, in the same run.</summary>
public sealed record PipelineBenchmarkReport
{
    public required int Jobs { get; init; }

    public required int Concurrency { get; init; }

    /// <summary>The worker's own composition with the instant executor.</summary>
    public required PipelineRunResult Grouped { get; init; }

    /// <summary>The baseline.</summary>
    public required PipelineRunResult Naive { get; init; }

    /// <summary>Grouped jobs/s / naive jobs/s.</summary>
    public double Ratio => Grouped.JobsPerSecond / Naive.JobsPerSecond;

    /// <summary>The report as written to <c>--json</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["jobs"] = Jobs, ["concurrency"] = Concurrency, ["ratio"] = Math.Round(Ratio, 3),
        ["variants"] = new JsonArray(Grouped.ToJson(), Naive.ToJson()),
    };
}
