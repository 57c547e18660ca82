using System.Text.Json.Nodes;

namespace InternS1.Batch.Benchmarks.Pipeline;

/// <summary>One variant of <see cref="PipelineBenchmark"/>: jobs, seconds from the first job executed to the
/// last result committed, the rate, and the database transactions that wrote the results.</summary>
public sealed record PipelineRunResult(string Variant, int Jobs, double Seconds, double JobsPerSecond, long Transactions)
{
    /// <summary>The variant as written to <c>--json</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["variant"] = Variant, ["jobs"] = Jobs, ["seconds"] = Math.Round(Seconds, 4),
        ["jobs_per_second"] = Math.Round(JobsPerSecond, 1), ["transactions"] = Transactions,
    };
}
