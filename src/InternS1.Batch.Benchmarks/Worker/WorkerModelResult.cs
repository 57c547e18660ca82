namespace InternS1.Batch.Benchmarks.Worker;

/// <summary>The worker end to end against the engine alone on one model, with what decided their speed.</summary>
public sealed record WorkerModelResult
{
    /// <summary>The goal for <see cref="Ratio"/>.</summary>
    public const double Goal = 0.85;

    public required string Model { get; init; }

    public required WorkerRun Worker { get; init; }

    public required WorkerRun EngineOnly { get; init; }

    /// <summary>Worker completion tokens/s / engine-only completion tokens/s.</summary>
    public double Ratio => EngineOnly.CompletionTokensPerSecond > 0 ? Worker.CompletionTokensPerSecond / EngineOnly.CompletionTokensPerSecond : 0;

    /// <summary>The CPU features of this machine.</summary>
    public required string Cpu { get; init; }

    /// <summary>The worker's own log lines on its compute dtype and heap settings.</summary>
    public required IReadOnlyList<string> WorkerSettings { get; init; }

    /// <summary>The engine-only half's dtype, device and threads.</summary>
    public required string EngineSettings { get; init; }
}
