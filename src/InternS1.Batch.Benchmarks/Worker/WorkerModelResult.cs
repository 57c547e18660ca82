namespace InternS1.Batch.Benchmarks.Worker;

/// <summary>The worker end to end against the engine alone on one model, with what decided their speed.</summary>
public sealed record WorkerModelResult
{
    /// <summary>The goal for <see cref="Ratio"/>.</summary>
    public const double Goal = 0.85;

    public required string Model { get; init; }

    /// <summary>The worker's timed passes, in order.</summary>
    public required IReadOnlyList<WorkerRun> WorkerRuns { get; init; }

    /// <summary>The engine-only half's timed passes, in order (each right after the worker's pass of the same jobs).</summary>
    public required IReadOnlyList<WorkerRun> EngineOnlyRuns { get; init; }

    /// <summary>The worker's fastest pass.</summary>
    public WorkerRun Worker => WorkerRuns.MaxBy(r => r.CompletionTokensPerSecond)!;

    /// <summary>The engine-only half's fastest pass.</summary>
    public WorkerRun EngineOnly => EngineOnlyRuns.MaxBy(r => r.CompletionTokensPerSecond)!;

    /// <summary>Best worker completion tokens/s / best engine-only completion tokens/s.</summary>
    public double Ratio => Quotient(Worker, EngineOnly);

    /// <summary>The ratio of each repetition's two passes (how much the machine moved between them).</summary>
    public IReadOnlyList<double> RepetitionRatios => WorkerRuns.Zip(EngineOnlyRuns, Quotient).ToList();

    private static double Quotient(WorkerRun worker, WorkerRun engine) =>
        engine.CompletionTokensPerSecond > 0 ? worker.CompletionTokensPerSecond / engine.CompletionTokensPerSecond : 0;

    /// <summary>Untimed warm-up passes the worker ran before its timed ones.</summary>
    public required int WorkerWarmUpPasses { get; init; }

    /// <summary>Untimed warm-up passes the engine-only half ran before its timed ones.</summary>
    public required int EngineOnlyWarmUpPasses { get; init; }

    /// <summary>The CPU features of this machine.</summary>
    public required string Cpu { get; init; }

    /// <summary>The worker's own log lines on its compute dtype and heap settings.</summary>
    public required IReadOnlyList<string> WorkerSettings { get; init; }

    /// <summary>The engine-only half's dtype, device and threads.</summary>
    public required string EngineSettings { get; init; }
}
