using System.Text.Json.Nodes;

namespace InternS1.Batch.Benchmarks.Remote;

/// <summary>The result of <c>interns1 bench remote</c>: the whole worker against a plain client at its best fixed
/// concurrency on the same server, and the adaptive limit against fixed concurrencies while the server's capacity
/// changes (full, a quarter, full again), all in the same run.</summary>
public sealed record RemoteBenchmarkReport
{
    public required RemoteBenchmarkOptions Options { get; init; }

    /// <summary>The CPU features that matter for the local engine (<c>avx512_bf16</c>, <c>amx_bf16</c>, <c>avx2</c>) found in /proc/cpuinfo.</summary>
    public required IReadOnlyList<string> CpuFeatures { get; init; }

    /// <summary>The plain client at each fixed concurrency.</summary>
    public required IReadOnlyList<RemoteRunResult> Plain { get; init; }

    /// <summary>The whole worker: RabbitMQ, the consumer, the remote executor, PostgreSQL.</summary>
    public required RemoteRunResult Worker { get; init; }

    /// <summary>Fixed concurrencies while the capacity changes.</summary>
    public required IReadOnlyList<RemoteRunResult> Fixed { get; init; }

    /// <summary>The adaptive (AIMD) client while the capacity changes.</summary>
    public required RemoteRunResult Adaptive { get; init; }

    public RemoteRunResult BestPlain => Plain.MaxBy(r => r.JobsPerSecond)!;

    public RemoteRunResult BestFixed => Fixed.MaxBy(r => r.JobsPerSecond)!;

    /// <summary>Worker jobs/s over the best plain client's (goal: at least 0.9).</summary>
    public double WorkerRatio => Worker.JobsPerSecond / BestPlain.JobsPerSecond;

    /// <summary>Adaptive jobs/s over the best fixed concurrency's (goal: at least 0.9).</summary>
    public double AdaptiveRatio => Adaptive.JobsPerSecond / BestFixed.JobsPerSecond;

    public JsonObject ToJson() => new()
    {
        ["slots"] = Options.Slots, ["low_slots"] = Options.LowSlots, ["token_delay_ms"] = Options.TokenDelay.TotalMilliseconds,
        ["completion_tokens"] = Options.CompletionTokens, ["cpu_features"] = new JsonArray(CpuFeatures.Select(f => (JsonNode?)f).ToArray()),
        ["throughput"] = new JsonObject
        {
            ["plain"] = new JsonArray(Plain.Select(r => (JsonNode)r.ToJson()).ToArray()),
            ["worker"] = Worker.ToJson(),
            ["best_plain"] = BestPlain.Variant,
            ["worker_ratio"] = Math.Round(WorkerRatio, 3),
        },
        ["capacity_change"] = new JsonObject
        {
            ["fixed"] = new JsonArray(Fixed.Select(r => (JsonNode)r.ToJson()).ToArray()),
            ["adaptive"] = Adaptive.ToJson(),
            ["best_fixed"] = BestFixed.Variant,
            ["adaptive_ratio"] = Math.Round(AdaptiveRatio, 3),
        },
    };
}
