namespace InternS1.Batch.Benchmarks.Structured;

/// <summary>One schema's grammar compile (with every mask precomputed) in a fresh compiler, then again from its cache.</summary>
public sealed record StructuredCompileTime
{
    public required string Schema { get; init; }
    public double ColdSeconds { get; init; }
    public double CachedSeconds { get; init; }
    public int Nodes { get; init; }
    public int Lexemes { get; init; }
}
