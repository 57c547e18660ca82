using InternS1.Engine.Configuration;

namespace InternS1.Batch.Benchmarks.Batching;

/// <summary>The three comparisons of <see cref="BatchingBenchmark"/>, each baseline and candidate
/// on the same jobs in the same run. Every run starts from a fresh engine (empty prefix cache).</summary>
internal sealed class BatchingComparisons(BatchingDriver driver, BatchingWorkloads workloads, BatchingBenchmarkOptions o, Action<string>? progress, string model)
{
    /// <summary>The goal for continuous vs one at a time: 10x on a CPU with native bfloat16 matmuls, 6x on one
    /// without (float32 compute, whose single-sequence decode reads twice the bytes).</summary>
    public static double SequentialGoal => InternS1.Engine.Torch.Hardware.CpuFeatures.Current.HasNativeBf16Matmul ? 10 : 6;

    /// <summary>Continuous batching of all jobs vs one job at a time (the same engine with one slot).</summary>
    public ThroughputComparison Sequential()
    {
        var n = o.ConcurrentJobs;
        var prompts = workloads.Prompts(n, o.PromptMinTokens, o.PromptMaxTokens, seed: 11);
        var jobs = BatchingDriver.Jobs("seq", prompts, Enumerable.Repeat(o.OutputTokens, n).ToArray());
        var blocks = Blocks(n, o.PromptMaxTokens + o.OutputTokens);
        var alone = Math.Clamp(o.SequentialJobs, 1, n);
        progress?.Invoke($"{model}: {alone} of the {n} jobs one at a time ({o.OutputTokens} output tokens each)");
        var baseline = Best(() => driver.Run($"one job at a time ({alone} of the jobs)", Engine(1, blocks, prefix: false), jobs.Take(alone).ToArray()), s => s.DecodeTokensPerSecond);
        progress?.Invoke($"{model}: {n} jobs with continuous batching");
        var continuous = Best(() => driver.Run($"continuous, {n} slots", Engine(n, blocks, prefix: false), jobs), s => s.DecodeTokensPerSecond);
        return new ThroughputComparison
        {
            Workload = $"{n} jobs, prompts {o.PromptMinTokens}-{o.PromptMaxTokens} tokens, {o.OutputTokens} output tokens each",
            Baseline = baseline, Continuous = continuous, Measure = "decode tokens/s", Goal = SequentialGoal,
            Ratio = continuous.DecodeTokensPerSecond / baseline.DecodeTokensPerSecond,
        };
    }

    /// <summary>Continuous batching vs static batches with the same slot count on mixed output
    /// lengths. Padded: every job of a static batch is computed up to the batch's longest length
    /// (only its own tokens count). Early exit: finished jobs leave, but none joins until the batch ended.</summary>
    public (ThroughputComparison Padded, ThroughputComparison EarlyExit) Static()
    {
        var n = o.MixedJobs;
        var b = o.StaticBatchSize;
        var lengths = BatchingWorkloads.MixedLengths(n, o.MixedOutputMinTokens, o.MixedOutputMaxTokens, seed: 5);
        var prompts = workloads.Prompts(n, o.PromptMinTokens, o.PromptMaxTokens, seed: 13);
        var jobs = BatchingDriver.Jobs("mix", prompts, lengths);
        // padded: every job of a batch generates up to the batch's longest length; only its own tokens count
        var padTo = lengths.Chunk(b).SelectMany(g => Enumerable.Repeat(g.Max(), g.Length)).ToArray();
        var paddedJobs = BatchingDriver.Jobs("pad", prompts, padTo);
        var blocks = Blocks(b, o.PromptMaxTokens + o.MixedOutputMaxTokens);
        var workload = $"{n} jobs, output lengths log-uniform {o.MixedOutputMinTokens}-{o.MixedOutputMaxTokens} (mean {lengths.Average():F0}), {b} slots";

        progress?.Invoke($"{model}: {n} mixed-length jobs in static batches of {b}");
        var padded = Best(() => driver.Run($"static batches of {b}", Engine(b, blocks, prefix: false), paddedJobs, staticBatch: b, usefulLengths: lengths), s => s.OutputTokensPerSecond);
        progress?.Invoke($"{model}: the same jobs in static batches of {b} with early exit");
        var earlyExit = Best(() => driver.Run($"static batches of {b}, early exit", Engine(b, blocks, prefix: false), jobs, staticBatch: b), s => s.OutputTokensPerSecond);
        progress?.Invoke($"{model}: the same jobs with continuous batching, {b} slots");
        var continuous = Best(() => driver.Run($"continuous, {b} slots", Engine(b, blocks, prefix: false), jobs), s => s.OutputTokensPerSecond);
        ThroughputComparison Compare(BatchingRunStats baseline) => new()
        {
            Workload = workload, Baseline = baseline, Continuous = continuous, Measure = "output tokens/s", Goal = 1.8,
            Ratio = continuous.OutputTokensPerSecond / baseline.OutputTokensPerSecond,
        };
        return (Compare(padded), Compare(earlyExit));
    }

    /// <summary>Jobs sharing a long instruction, prefix cache off vs on.</summary>
    public PrefixCacheComparison Prefix()
    {
        var n = o.PrefixJobs;
        var instruction = workloads.Instruction(o.InstructionTokens);
        var suffixes = workloads.Prompts(n, o.SuffixMinTokens, o.SuffixMaxTokens, seed: 17);
        var prompts = suffixes.Select(s => instruction.Concat(s).ToArray()).ToArray();
        var jobs = BatchingDriver.Jobs("pfx", prompts, Enumerable.Repeat(o.PrefixOutputTokens, n).ToArray());
        var slots = Math.Min(n, o.ConcurrentJobs);
        var blocks = Blocks(slots, o.InstructionTokens + o.SuffixMaxTokens + o.PrefixOutputTokens);
        progress?.Invoke($"{model}: {n} jobs sharing a {o.InstructionTokens}-token instruction, prefix cache off");
        var off = Best(() => driver.Run("prefix cache off", Engine(slots, blocks, prefix: false), jobs), s => -s.WallSeconds);
        progress?.Invoke($"{model}: the same jobs, prefix cache on");
        var on = Best(() => driver.Run("prefix cache on", Engine(slots, blocks, prefix: true), jobs), s => -s.WallSeconds);
        return new PrefixCacheComparison
        {
            Workload = $"{n} jobs: {o.InstructionTokens}-token instruction + {o.SuffixMinTokens}-{o.SuffixMaxTokens}-token suffix, {o.PrefixOutputTokens} output tokens, {slots} slots",
            Off = off, On = on,
        };
    }

    /// <summary>The best-scoring of up to <see cref="BatchingBenchmarkOptions.Repeats"/> runs; runs are
    /// repeated only while they are cheap (all runs so far within <see cref="BatchingBenchmarkOptions.RepeatBudgetSeconds"/>).</summary>
    private BatchingRunStats Best(Func<BatchingRunStats> run, Func<BatchingRunStats, double> score)
    {
        var best = run();
        var spent = best.WallSeconds;
        for (var i = 1; i < o.Repeats && spent + spent / i <= o.RepeatBudgetSeconds; i++)
        {
            var next = run();
            spent += next.WallSeconds;
            if (score(next) > score(best)) best = next;
        }
        return best;
    }

    /// <summary>A pool holding <paramref name="slots"/> sequences of <paramref name="tokens"/> tokens, plus one block each.</summary>
    private int Blocks(int slots, int tokens) => slots * ((tokens + o.BlockSize - 1) / o.BlockSize + 1);

    private EngineOptions Engine(int slots, int blocks, bool prefix) => new()
    {
        MaxNumSeqs = slots, MaxNumBatchedTokens = o.MaxNumBatchedTokens, BlockSize = o.BlockSize,
        KvCacheBlocks = blocks, EnablePrefixCaching = prefix,
    };
}
