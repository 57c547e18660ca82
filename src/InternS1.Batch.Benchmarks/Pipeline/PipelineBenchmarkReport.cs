using System.Text.Json.Nodes;

namespace InternS1.Batch.Benchmarks.Pipeline;

/// <summary>The result of <c>interns1 bench pipeline</c>: the real worker (group commit) against the naive
/// consumer (one <c>SaveChanges</c> per job) on the same number of jobs, in the same run.</summary>
public sealed record PipelineBenchmarkReport
{
    public required int Jobs { get; init; }

    /// <summary>Prefetch of both consumers (the worker's default unless the run set it).</summary>
    public required int PrefetchCount { get; init; }

    /// <summary>Concurrent message limit of both consumers (the worker's default unless the run set it).</summary>
    public required int ConcurrentMessageLimit { get; init; }

    /// <summary>The CPU's model and vector flags (<see cref="InternS1.Engine.Torch.Hardware.CpuFeatures.Summary"/>).</summary>
    public required string Cpu { get; init; }

    /// <summary>Cores this process may use.</summary>
    public required int Cores { get; init; }

    /// <summary>The 1, 5 and 15 minute load averages (<c>/proc/loadavg</c>) before the run; empty where there is none.</summary>
    public required string LoadBefore { get; init; }

    /// <summary>The load averages after the run.</summary>
    public required string LoadAfter { get; init; }

    /// <summary>The worker's own composition with the instant executor.</summary>
    public required PipelineRunResult Grouped { get; init; }

    /// <summary>The baseline.</summary>
    public required PipelineRunResult Naive { get; init; }

    /// <summary>Grouped jobs/s / naive jobs/s.</summary>
    public double Ratio => Grouped.JobsPerSecond / Naive.JobsPerSecond;

    /// <summary>The report as written to <c>--json</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["jobs"] = Jobs, ["prefetch_count"] = PrefetchCount, ["concurrent_message_limit"] = ConcurrentMessageLimit, ["ratio"] = Math.Round(Ratio, 3),
        ["cpu"] = Cpu, ["cores"] = Cores, ["load_before"] = LoadBefore, ["load_after"] = LoadAfter,
        ["variants"] = new JsonArray(Grouped.ToJson(), Naive.ToJson()),
    };
}
