namespace InternS1.Batch.Benchmarks.Worker;

/// <summary>Sizes and wiring of <see cref="WorkerBenchmark"/>. The defaults are the issue's: 64 text jobs, prompts of
/// 16-48 tokens, 32 output tokens, thinking off, the model's recommended sampling with a seed per job.</summary>
public sealed record WorkerBenchmarkOptions
{
    public int Jobs { get; init; } = 64;
    public int PromptMinTokens { get; init; } = 16;
    public int PromptMaxTokens { get; init; } = 48;
    public int OutputTokens { get; init; } = 32;

    /// <summary>Most untimed warm-up passes of each half: they go on until one whose background JIT (tier-up) CPU time
    /// is under <see cref="WarmJitShare"/> of the pass, at most this many.</summary>
    public int MaxWarmUpPasses { get; init; } = 5;

    /// <summary>The background JIT's share of a warm-up pass below which the half counts as warm.</summary>
    public double WarmJitShare { get; init; } = 0.1;

    /// <summary>Timed passes of each half, alternated (worker, engine only, worker, ...); each half reports its best.</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>How to start the worker process, e.g. <c>["dotnet", ".../interns1.dll", "worker"]</c>.</summary>
    public required IReadOnlyList<string> WorkerCommand { get; init; }

    /// <summary>A PostgreSQL connection string whose user may create databases (a scratch database is made and dropped).</summary>
    public required string Postgres { get; init; }

    /// <summary>The broker (an <c>amqp://</c> URI); scratch queues are made and deleted.</summary>
    public required string RabbitMq { get; init; }

    /// <summary>Settings for both halves (<c>Section:Key</c> = value): the worker gets them as <c>--Section:Key=value</c>,
    /// the engine-only host as configuration. Empty (the default): the product's defaults.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Longest wait for the worker to load its model, and then for all jobs to end.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(20);
}
