namespace InternS1.Batch.Benchmarks.Batching;

/// <summary>KV-cache bytes per cached token: measured against the formula
/// 2 (K and V) x layers x kv heads x head dim x element bytes.</summary>
public sealed record KvMemoryMeasurement
{
    /// <summary>Token slots of the largest measured pool (blocks x block size).</summary>
    public required long PoolTokens { get; init; }

    /// <summary>Bytes of the KV tensors the runner allocated for the pool, per token slot.</summary>
    public required double AllocatedBytesPerToken { get; init; }

    /// <summary>Growth of the process's resident memory per token slot: (growth for a pool of 2N slots
    /// - growth for N slots) / N (null when /proc is unavailable).</summary>
    public double? ResidentBytesPerToken { get; init; }

    /// <summary>2 x layers x kv heads x head dim x element bytes, from config.json and the dtype.</summary>
    public required long FormulaBytesPerToken { get; init; }

    /// <summary>The measured value reported as the headline: resident growth when available, else allocated.</summary>
    public double MeasuredBytesPerToken => ResidentBytesPerToken ?? AllocatedBytesPerToken;
}
