using System.Diagnostics;
using InternS1.Batch.Benchmarks.Common;
using InternS1.Batch.Benchmarks.Engine;
using InternS1.Batch.Benchmarks.Roofline;
using InternS1.Engine.Configuration;
using InternS1.Engine.Output;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Hardware;
using InternS1.Engine.Torch.Running;
using InternS1.Text.Tokenization;
using TorchSharp;

namespace InternS1.Batch.Benchmarks.Batching;

/// <summary>
/// <c>interns1 bench batching</c>: the engine (scheduler, paged KV cache, prefix cache) over the real
/// <see cref="TorchModelRunner"/> on random checkpoints in the real layout — the tiny default and
/// <see cref="EngineBenchmark.LargeMoe"/> — comparing, in the same run: continuous batching vs one
/// job at a time, continuous vs static batches on mixed output lengths, prefix cache on vs off, and
/// the KV bytes per token against the formula. Prompts are token ids of the real tokenizer.
/// </summary>
public static class BatchingBenchmark
{
    /// <summary>The tiny model, then (unless disabled) the large MoE; <paramref name="progress"/> gets one line per phase.</summary>
    /// <param name="options">Workload sizes.</param>
    /// <param name="tokenizer">The model's tokenizer: builds the prompts and decodes outputs in the engine.</param>
    /// <param name="progress">Receives a line per phase.</param>
    public static BatchingBenchmarkReport Run(BatchingBenchmarkOptions options, InternS1Tokenizer tokenizer, Action<string>? progress = null)
    {
        var models = new List<BatchingModelResult> { RunOne("tiny (default create-tiny)", new TinyCheckpointOptions(), options, tokenizer, progress) };
        if (options.IncludeLarge)
            models.Add(RunOne("large random MoE", EngineBenchmark.LargeMoe, options with { PrefixJobs = options.LargeModelPrefixJobs }, tokenizer, progress));
        return BatchingBenchmarkReport.From(models);
    }

    /// <summary>Writes <paramref name="checkpoint"/> (or reuses it from <see cref="BatchingBenchmarkOptions.CheckpointCacheDirectory"/>),
    /// loads it, and runs every comparison.</summary>
    public static BatchingModelResult RunOne(string name, TinyCheckpointOptions checkpoint, BatchingBenchmarkOptions options,
        InternS1Tokenizer tokenizer, Action<string>? progress = null)
    {
        var heap = BenchmarkHeap.Apply(options.KeepFreedMemory, progress);
        using var checkpointFolder = BenchmarkCheckpoints.Obtain(checkpoint, options.CheckpointCacheDirectory, options.WorkDirectory,
            line => progress?.Invoke($"{name}: {line}"));
        progress?.Invoke($"{name}: loading {checkpointFolder.Parameters:N0} parameters (dtype {options.Dtype.SettingName()})");
        var watch = Stopwatch.StartNew();
        using var runner = TorchModelRunner.Load(checkpointFolder.Directory, new TorchRunnerOptions { Dtype = options.Dtype, Threads = options.Threads });
        var loadSeconds = watch.Elapsed.TotalSeconds;

        var workloads = new BatchingWorkloads(tokenizer);
        var driver = new BatchingDriver(runner, new TokenizerDecoder(tokenizer));
        WarmUp(driver, workloads, options);
        progress?.Invoke($"{name}: KV memory probe");
        var kv = KvMemoryProbe.Measure(runner, options.BlockSize, options.KvProbeTensorBytes);
        var comparisons = new BatchingComparisons(driver, workloads, options, progress, name);
        var sequential = comparisons.Sequential();
        var (padded, earlyExit) = comparisons.Static();
        var prefix = comparisons.Prefix();
        progress?.Invoke($"{name}: machine rates (matmul {MachineRates.MatmulSize}^3, copy {MachineRates.CopyBytes >> 20} MiB) in {runner.Dtype.Name()}");
        var roofline = new RooflineFractions
        {
            Machine = MachineRates.Measure(runner.Dtype.ToScalarType()),
            Cost = DecodeCost.For(runner.Config.TextConfig, runner.Dtype.ElementBytes(), (options.PromptMinTokens + options.PromptMaxTokens + options.OutputTokens) / 2.0),
            BatchedSequences = options.ConcurrentJobs,
            BatchedTokensPerSecond = sequential.Continuous.DecodeTokensPerSecond,
            SingleTokensPerSecond = sequential.Baseline.DecodeTokensPerSecond,
        };
        return new BatchingModelResult
        {
            Model = name, Parameters = checkpointFolder.Parameters, Dtype = runner.Dtype.Name(), DtypeReason = runner.DtypeResolution.Reason,
            Cpu = CpuFeatures.Current.Summary, Threads = torch.get_num_threads(), Roofline = roofline,
            LoadSeconds = loadSeconds, Sequential = sequential, Static = padded, StaticEarlyExit = earlyExit, Prefix = prefix, KvMemory = kv,
            MallocSettings = heap,
        };
    }

    /// <summary>A few jobs through the engine first (allocator, kernels, JIT), one with a long chunked prefill.</summary>
    private static void WarmUp(BatchingDriver driver, BatchingWorkloads workloads, BatchingBenchmarkOptions o)
    {
        var prompts = workloads.Prompts(4, 8, 32, seed: 3).Append(workloads.Text("warm-up", Math.Min(o.MaxNumBatchedTokens + 64, 1024), seed: 4)).ToArray();
        var jobs = BatchingDriver.Jobs("warm", prompts, [4, 4, 4, 4, 4]);
        driver.Run("warm-up", new EngineOptions
        {
            MaxNumSeqs = 8, MaxNumBatchedTokens = o.MaxNumBatchedTokens, BlockSize = o.BlockSize, KvCacheBlocks = 8 * (1100 / o.BlockSize + 2),
        }, jobs);
    }
}
