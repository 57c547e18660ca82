using InternS1.Engine.Configuration;
using InternS1.Engine.Execution;
using InternS1.Engine.KvCache;

namespace InternS1.Engine.Scheduling;

/// <summary>The scheduler's budgets and the facts of the model it schedules for.</summary>
/// <param name="MaxNumSeqs">Most sequences per step.</param>
/// <param name="MaxNumBatchedTokens">Most tokens computed per step.</param>
/// <param name="BlockSize">Token slots per KV block.</param>
/// <param name="NumBlocks">KV blocks in the pool.</param>
/// <param name="EnablePrefixCaching">Reuse full blocks across requests.</param>
/// <param name="MaxEncoderTilesPerStep">Most media tiles encoded per step.</param>
/// <param name="MaxModelLength">The model context (prompt + output) in tokens.</param>
/// <param name="VocabSize">Valid token ids are [0, VocabSize).</param>
/// <param name="ReservedInteractiveSeqs">Of <paramref name="MaxNumSeqs"/>, slots batch sequences may not take
/// (kept free for interactive requests). 0 = none.</param>
public sealed record SchedulerConfig(
    int MaxNumSeqs,
    int MaxNumBatchedTokens,
    int BlockSize,
    int NumBlocks,
    bool EnablePrefixCaching,
    int MaxEncoderTilesPerStep,
    int MaxModelLength,
    int VocabSize,
    int ReservedInteractiveSeqs = 0)
{
    /// <summary>Most batch sequences running at once: <see cref="MaxNumSeqs"/> less the reserved slots.</summary>
    public int MaxNumBatchSeqs => Math.Max(0, MaxNumSeqs - ReservedInteractiveSeqs);

    /// <summary>Tokens the KV pool can hold.</summary>
    public int KvCapacityTokens => NumBlocks * BlockSize;

    /// <summary>Longest sequence that can run: the model context or the whole KV pool, whichever is smaller.</summary>
    public int MaxSequenceLength => Math.Min(MaxModelLength, KvCapacityTokens);

    /// <summary>The configuration for <paramref name="options"/>, <paramref name="model"/> and a pool of <paramref name="numBlocks"/>.</summary>
    public static SchedulerConfig From(EngineOptions options, ModelRunnerInfo model, int numBlocks) => new(
        options.MaxNumSeqs,
        options.MaxNumBatchedTokens,
        options.BlockSize,
        numBlocks,
        options.EnablePrefixCaching,
        options.MaxEncoderTilesPerStep,
        KvCacheSizing.MaxSequenceLength(options, model),
        model.VocabSize,
        options.ReservedInteractiveSeqs);
}
