namespace InternS1.Batch.Benchmarks.Batching;

/// <summary>Prefix caching on against off for jobs sharing a long instruction.</summary>
public sealed record PrefixCacheComparison
{
    public required string Workload { get; init; }

    public required BatchingRunStats Off { get; init; }

    public required BatchingRunStats On { get; init; }

    /// <summary>Prefill tokens computed with the cache / without (goal &lt;= 0.12).</summary>
    public double PrefillFraction => Off.PrefillTokens > 0 ? (double)On.PrefillTokens / Off.PrefillTokens : 0;

    /// <summary>Wall time without the cache / with it (goal &gt;= 3).</summary>
    public double Speedup => On.WallSeconds > 0 ? Off.WallSeconds / On.WallSeconds : 0;
}
