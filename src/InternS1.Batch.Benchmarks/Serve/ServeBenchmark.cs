using InternS1.Batch.Benchmarks.Batching;
using InternS1.Batch.Benchmarks.Common;
using InternS1.Engine.Configuration;
using InternS1.Engine.Output;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Running;
using InternS1.Text.Tokenization;
using TorchSharp;

namespace InternS1.Batch.Benchmarks.Serve;

/// <summary>
/// <c>interns1 bench serve</c>: interactive requests served ahead of batch work on one engine (the tiny model on the
/// real <see cref="TorchModelRunner"/>), in one run: the interactive requests alone (idle), the batch alone, and the
/// batch with the same interactive requests once it fills every slot (mixed). It reports the interactive time to
/// first token and tokens/s idle vs under load, and the batch throughput with and without the interactive traffic,
/// against the goals. Prompts are token ids of the real tokenizer.
/// </summary>
public static class ServeBenchmark
{
    /// <summary>Writes the tiny checkpoint (or reuses it from <paramref name="checkpointCache"/>), loads it and runs
    /// the three runs after a warm-up.</summary>
    /// <param name="options">Workload sizes.</param>
    /// <param name="tokenizer">The model's tokenizer: builds the prompts and decodes outputs in the engine.</param>
    /// <param name="checkpointCache">Where the random checkpoint is kept between runs; null = a temporary folder.</param>
    /// <param name="progress">Receives a line per phase.</param>
    public static ServeBenchmarkReport Run(ServeBenchmarkOptions options, InternS1Tokenizer tokenizer, string? checkpointCache = null,
        Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string name = "tiny (default create-tiny)";
        using var checkpoint = BenchmarkCheckpoints.Obtain(new TinyCheckpointOptions(), checkpointCache, null, line => progress?.Invoke($"{name}: {line}"));
        progress?.Invoke($"{name}: loading {checkpoint.Parameters:N0} parameters (dtype {options.Dtype.SettingName()})");
        using var runner = TorchModelRunner.Load(checkpoint.Directory, new TorchRunnerOptions { Dtype = options.Dtype, Threads = options.Threads });
        var driver = new ServeLoadDriver(runner, new TokenizerDecoder(tokenizer));
        var workloads = new BatchingWorkloads(tokenizer);
        var engine = new EngineOptions
        {
            MaxNumSeqs = options.MaxNumSeqs, MaxNumBatchedTokens = options.MaxNumBatchedTokens, BlockSize = options.BlockSize,
            KvCacheBlocks = (options.MaxNumSeqs + 1) * ((Math.Max(options.BatchPromptMaxTokens + options.BatchOutputTokens,
                options.InteractivePromptTokens + options.InteractiveOutputTokens) + options.BlockSize - 1) / options.BlockSize + 1),
        };

        progress?.Invoke("warm-up");
        driver.Run("warm-up", engine,
            ServeLoadDriver.Requests("warm-batch", SchedulingClass.Batch, workloads.Prompts(2, 8, 16, seed: 3), 4),
            ServeLoadDriver.Requests("warm-chat", SchedulingClass.Interactive, workloads.Prompts(2, 8, 16, seed: 4), 4));

        // NOTE: the same prompts in every run (prefix cache and all): only the traffic around them differs.
        var batchPrompts = workloads.Prompts(options.BatchJobs, options.BatchPromptMinTokens, options.BatchPromptMaxTokens, seed: 11);
        var chatPrompts = Enumerable.Range(0, options.InteractiveRequests)
            .Select(i => workloads.Text($"Question {i}: what does this abstract report?", options.InteractivePromptTokens, seed: 100 + i)).ToArray();
        EngineRequest[] Batch() => ServeLoadDriver.Requests("batch", SchedulingClass.Batch, batchPrompts, options.BatchOutputTokens);
        EngineRequest[] Chat() => ServeLoadDriver.Requests("chat", SchedulingClass.Interactive, chatPrompts, options.InteractiveOutputTokens);

        progress?.Invoke($"idle: {options.InteractiveRequests} interactive requests alone");
        var idle = driver.Run("interactive alone", engine, [], Chat());
        progress?.Invoke($"batch alone: {options.BatchJobs} jobs x {options.BatchOutputTokens} tokens on {options.MaxNumSeqs} slots");
        var batchOnly = driver.Run("batch alone", engine, Batch(), []);
        progress?.Invoke("mixed: the batch, then the interactive requests once it holds every slot");
        var mixed = driver.Run("batch + interactive", engine, Batch(), Chat());
        return new ServeBenchmarkReport
        {
            Model = name, Parameters = checkpoint.Parameters, Dtype = runner.Dtype.Name(), Threads = torch.get_num_threads(),
            Cpu = InternS1.Engine.Torch.Hardware.CpuFeatures.Current.Summary, Idle = idle, BatchOnly = batchOnly, Mixed = mixed,
        };
    }
}
