namespace InternS1.Batch.Benchmarks.Worker;

/// <summary>One half of <see cref="WorkerBenchmark"/>: completion tokens over a time window.</summary>
public sealed record WorkerRun
{
    /// <summary>What ran (<c>worker process (RabbitMQ, PostgreSQL)</c> or <c>engine only</c>).</summary>
    public required string Mode { get; init; }

    public required int Jobs { get; init; }

    public required long CompletionTokens { get; init; }

    /// <summary>The window: for the worker, the first job's <c>started_at</c> to the last <c>finished_at</c> in the
    /// database; for the engine, the first submission to the last result.</summary>
    public required double Seconds { get; init; }

    /// <summary>CPU seconds the runtime's background JIT (tier-up) used during the pass, in the process that ran it (the
    /// worker process from the publish to the last result seen; this process over the timed window for the engine-only
    /// half); a lower bound (a JIT thread the runtime retired during the pass is not counted); null where /proc cannot be read.</summary>
    public double? BackgroundJitSeconds { get; init; }

    public double CompletionTokensPerSecond => Seconds > 0 ? CompletionTokens / Seconds : 0;
}
