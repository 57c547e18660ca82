using System.Diagnostics;
using InternS1.Batch.Benchmarks.Common;
using InternS1.Batch.Benchmarks.Roofline;
using InternS1.Engine.Execution;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Hardware;
using InternS1.Engine.Torch.Modeling;
using InternS1.Engine.Torch.Running;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Batch.Benchmarks.Engine;

/// <summary>
/// <c>interns1 bench engine</c>: writes random checkpoints in the real layout (the tiny default and a
/// larger MoE of a few hundred million parameters), loads each through <see cref="TorchModelRunner"/>,
/// and measures prefill and decode tokens/s through <see cref="IModelRunner.Execute"/>, peak memory,
/// the grouped MoE block against the naive per-token loop, and the roofline fractions of decoding (one
/// sequence against the copy rate, 64 sequences against the matmul rate), all in the same run.
/// </summary>
public static class EngineBenchmark
{
    /// <summary>The larger random MoE: hidden 768, 6 layers, 32 experts (top-4), ~358 M parameters.</summary>
    public static TinyCheckpointOptions LargeMoe { get; } = new()
    {
        HiddenSize = 768, NumHiddenLayers = 6, NumAttentionHeads = 12, NumKeyValueHeads = 4, HeadDim = 64,
        IntermediateSize = 2048, NumExperts = 32, NumExpertsPerTok = 4, MoeIntermediateSize = 256, Shards = 4,
    };

    /// <summary>The tiny model, then (unless disabled) <see cref="LargeMoe"/>; <paramref name="progress"/> gets one line per phase.</summary>
    public static IReadOnlyList<EngineBenchmarkResult> Run(EngineBenchmarkOptions options, Action<string>? progress = null)
    {
        var results = new List<EngineBenchmarkResult> { RunOne("tiny (default create-tiny)", new TinyCheckpointOptions(), options, progress) };
        if (options.IncludeLarge) results.Add(RunOne("large random MoE", LargeMoe, options, progress));
        return results;
    }

    /// <summary>Writes <paramref name="checkpoint"/> to a temporary folder, loads it, measures it, deletes it.</summary>
    public static EngineBenchmarkResult RunOne(string name, TinyCheckpointOptions checkpoint, EngineBenchmarkOptions options, Action<string>? progress = null)
    {
        var dir = Path.Combine(options.WorkDirectory ?? Path.GetTempPath(), "interns1-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            progress?.Invoke($"{name}: writing a random checkpoint to {dir}");
            var summary = TinyCheckpointWriter.Write(dir, checkpoint);
            var heap = BenchmarkHeap.Apply(options.KeepFreedMemory, progress);
            GC.Collect();
            ProcessMemory.ResetPeak();
            progress?.Invoke($"{name}: loading {summary.ParameterCount:N0} parameters (dtype {options.Dtype.SettingName()})");
            var watch = Stopwatch.StartNew();
            using var runner = TorchModelRunner.Load(dir, new TorchRunnerOptions { Dtype = options.Dtype, Threads = options.Threads, LoadVision = false });
            var loadSeconds = watch.Elapsed.TotalSeconds;
            var (prefill, decode, single, batched) = Throughput(runner, options, progress, name);
            var peak = ProcessMemory.PeakResidentBytes();
            progress?.Invoke($"{name}: machine rates (matmul {MachineRates.MatmulSize}^3, copy {MachineRates.CopyBytes >> 20} MiB) in {runner.Dtype.Name()}");
            var roofline = new RooflineFractions
            {
                Machine = MachineRates.Measure(runner.Dtype.ToScalarType()),
                Cost = DecodeCost.For(runner.Config.TextConfig, runner.Dtype.ElementBytes(), options.PromptLength + options.DecodeSteps / 2.0),
                BatchedSequences = options.RooflineSequences, BatchedTokensPerSecond = batched, SingleTokensPerSecond = single,
            };
            var moe = runner.Model.LanguageModel.layers[0].mlp is Qwen3MoeSparseMoeBlock block
                ? CompareMoe(block, runner.Config.TextConfig.HiddenSize, options, progress, name) : null;
            return new EngineBenchmarkResult
            {
                Model = name, Parameters = summary.ParameterCount, Dtype = runner.Dtype.Name(), DtypeReason = runner.DtypeResolution.Reason,
                Cpu = CpuFeatures.Current.Summary, Heap = heap, Threads = torch.get_num_threads(),
                LoadSeconds = loadSeconds, Repeats = Math.Max(1, options.Repeats), PrefillTokens = options.Batch * options.PromptLength, PrefillTokensPerSecond = prefill,
                DecodeBatch = options.Batch, DecodeSteps = options.DecodeSteps, DecodeTokensPerSecond = decode,
                WeightBytes = runner.WeightBytes, KvCacheBytes = runner.KvCacheBytes, PeakResidentBytes = peak, Moe = moe, Roofline = roofline,
            };
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    /// <summary>Prefill tokens/s of <see cref="EngineBenchmarkOptions.Batch"/> prompts in one step; decode tokens/s of
    /// that many sequences, of one sequence alone and of <see cref="EngineBenchmarkOptions.RooflineSequences"/> together.</summary>
    private static (double Prefill, double Decode, double Single, double Batched) Throughput(TorchModelRunner runner, EngineBenchmarkOptions o, Action<string>? progress, string name)
    {
        const int blockSize = 16;
        var sequences = Math.Max(o.Batch, o.RooflineSequences);
        var perSequence = (o.PromptLength + o.DecodeSteps + blockSize) / blockSize;
        runner.InitializeKvCache(sequences * perSequence, blockSize);
        var tables = Enumerable.Range(0, sequences).Select(s => Enumerable.Range(s * perSequence, perSequence).ToArray()).ToArray();
        var greedy = new SamplingParams { Temperature = 0 };
        ScheduledRequest Request(int s, IReadOnlyList<int> ids, int start, int index) => new()
        {
            RequestId = $"s{s}", TokenIds = ids, StartPosition = start, BlockTable = tables[s], Sample = true, Sampling = greedy, OutputIndex = index,
        };
        var prompts = Enumerable.Range(0, sequences)
            .Select(s => Enumerable.Range(0, o.PromptLength).Select(i => (i * 7919 + s * 104729) % 150000).ToArray()).ToArray();
        long step = 0;
        int[] Run(IEnumerable<ScheduledRequest> requests) => runner.Execute(new SchedulerOutput(++step, requests.ToArray(), []))
            .Outputs.Select(x => x.SampledTokenId ?? throw new InvalidOperationException(x.Error)).ToArray();
        // warm-up (allocator, kernels); the prefills below overwrite these cache slots
        Run([Request(0, prompts[0][..Math.Min(8, o.PromptLength)], 0, 0)]);

        var repeats = Math.Max(1, o.Repeats);
        progress?.Invoke($"{name}: prefill {o.Batch} x {o.PromptLength} tokens in one step (best of {repeats})");
        var prefillSeconds = double.MaxValue;
        for (var r = 0; r < repeats; r++)
        {
            // each repetition recomputes the same prompts into the same blocks
            var watch = Stopwatch.StartNew();
            Run(Enumerable.Range(0, o.Batch).Select(s => Request(s, prompts[s], 0, 0)));
            prefillSeconds = Math.Min(prefillSeconds, watch.Elapsed.TotalSeconds);
        }
        var first = Run(Enumerable.Range(0, sequences).Select(s => Request(s, prompts[s], 0, 0)));

        double Decode(int batch)
        {
            progress?.Invoke($"{name}: decode {o.DecodeSteps} steps x {batch} sequence(s) (best of {repeats})");
            var best = double.MaxValue;
            for (var r = 0; r < repeats; r++)
            {
                var last = first;
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < o.DecodeSteps; i++)
                    last = Run(Enumerable.Range(0, batch).Select(s => Request(s, [last[s]], o.PromptLength + i, i + 1)));
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
            return batch * o.DecodeSteps / best;
        }
        return (o.Batch * o.PromptLength / prefillSeconds, Decode(o.Batch), Decode(1), Decode(o.RooflineSequences));
    }

    private static MoeComparison CompareMoe(Qwen3MoeSparseMoeBlock block, int hidden, EngineBenchmarkOptions o, Action<string>? progress, string name)
    {
        progress?.Invoke($"{name}: grouped vs naive MoE on {o.MoeTokens} tokens");
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        using var g = new Generator(7);
        var x = torch.randn(new long[] { o.MoeTokens, hidden }, generator: g).to(block.gate.weight!.dtype);
        block.forward(x.narrow(0, 0, 4));
        NaiveMoeReference.Forward(block, x.narrow(0, 0, 4));
        var repeats = Math.Max(1, o.Repeats);
        double groupedMs = double.MaxValue, naiveMs = double.MaxValue;
        Tensor grouped = null!, naive = null!;
        for (var r = 0; r < repeats; r++)
        {
            var watch = Stopwatch.StartNew();
            grouped = block.forward(x);
            groupedMs = Math.Min(groupedMs, watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            naive = NaiveMoeReference.Forward(block, x);
            naiveMs = Math.Min(naiveMs, watch.Elapsed.TotalMilliseconds);
        }
        var diff = (grouped.to(ScalarType.Float32) - naive.to(ScalarType.Float32)).abs().max().item<float>();
        return new MoeComparison { Tokens = o.MoeTokens, GroupedMilliseconds = groupedMs, NaiveMilliseconds = naiveMs, MaxAbsDifference = diff };
    }
}
