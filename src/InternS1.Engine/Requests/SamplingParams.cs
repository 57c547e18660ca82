namespace InternS1.Engine.Requests;

/// <summary>
/// Resolved sampling parameters of one request (every default already applied and validated at
/// admission). Mirrors vLLM's <c>SamplingParams</c> subset Intern-S1 needs.
/// </summary>
public sealed record SamplingParams
{
    /// <summary>0 = greedy (argmax); otherwise logits are divided by it.</summary>
    public float Temperature { get; init; } = 0.7f;

    /// <summary>Nucleus mass in (0, 1]; 1 disables.</summary>
    public float TopP { get; init; } = 1.0f;

    /// <summary>Keep the k most likely tokens; 0 disables.</summary>
    public int TopK { get; init; } = 50;

    /// <summary>Drop tokens whose probability is below MinP x the top probability; 0 disables.</summary>
    public float MinP { get; init; }

    /// <summary>The request's own seed. Sampling of output token i uses a generator seeded from
    /// (Seed, i), so a request's tokens never depend on its batch neighbours or on preemption.</summary>
    public long Seed { get; init; }

    /// <summary>Most tokens to generate (the stop token included).</summary>
    public int MaxNewTokens { get; init; } = 4096;

    /// <summary>Token ids that end generation (the model's eos ids); the token is part of the output ids.</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Strings that end generation; the output text is cut before the match.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>Benchmarks only: keep generating past stop tokens until MaxNewTokens.</summary>
    public bool IgnoreEos { get; init; }

    /// <summary>True when the parameters select greedy decoding.</summary>
    public bool IsGreedy => Temperature <= 0f;
}
