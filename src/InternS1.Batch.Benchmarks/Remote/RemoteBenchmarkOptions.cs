namespace InternS1.Batch.Benchmarks.Remote;

/// <summary>
/// The workload of <c>interns1 bench remote</c>: a fake OpenAI-compatible server whose <see cref="Slots"/> requests
/// generate at once at a fixed <see cref="TokenDelay"/> per token (a stand-in for a GPU server's batch), each job
/// asking for <see cref="CompletionTokens"/> tokens without thinking.
/// </summary>
public sealed record RemoteBenchmarkOptions
{
    /// <summary>Requests the server generates at once (its batch).</summary>
    public int Slots { get; init; } = 16;

    /// <summary>Time per generated token.</summary>
    public TimeSpan TokenDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Tokens each job generates.</summary>
    public int CompletionTokens { get; init; } = 32;

    /// <summary>Jobs of the throughput comparison (the whole worker vs a plain client), per variant.</summary>
    public int Jobs { get; init; } = 2000;

    /// <summary>Jobs of the capacity-change comparison, per variant.</summary>
    public int CapacityJobs { get; init; } = 1200;

    /// <summary>The server's batch in the middle third of the capacity-change run.</summary>
    public int LowSlots { get; init; } = 4;

    /// <summary>Requests the server queues in the capacity-change run; one more is answered 503 with <c>Retry-After: 1</c>.</summary>
    public int QueueLimit { get; init; } = 2;

    /// <summary>The quick mode of the tests and a first look: a sixth of the jobs.</summary>
    public static RemoteBenchmarkOptions Quick { get; } = new() { Jobs = 300, CapacityJobs = 240 };

    /// <summary>Fixed concurrencies of the plain client in the throughput comparison (the best one counts).</summary>
    public IReadOnlyList<int> ThroughputConcurrencies => new[] { Math.Max(1, Slots / 2), Slots, Slots * 2 }.Distinct().ToList();

    /// <summary>Fixed concurrencies compared with the adaptive limit in the capacity-change run.</summary>
    public IReadOnlyList<int> CapacityConcurrencies => new[] { LowSlots, Math.Max(LowSlots, Slots / 2), Slots, Slots + Slots / 2, Slots * 2 }.Distinct().ToList();

    /// <summary>The first problem with the values, or null.</summary>
    public string? Problem() =>
        Slots < 1 || LowSlots < 1 || LowSlots > Slots ? "--slots must be at least 1 and at least the low capacity (4)"
        : Jobs < 1 || CapacityJobs < 3 ? "--jobs must be positive"
        : CompletionTokens < 1 || TokenDelay < TimeSpan.Zero ? "the tokens per job must be positive and the per-token delay not negative"
        : null;
}
