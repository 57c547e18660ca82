using System.Diagnostics;
using System.Text.Json;
using InternS1.Batch.Benchmarks.Batching;
using InternS1.Batch.Benchmarks.Common;
using InternS1.Engine.Configuration;
using InternS1.Engine.Core;
using InternS1.Engine.Output;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Running;
using InternS1.Text.Structured;
using InternS1.Text.Tokenization;
using TorchSharp;

namespace InternS1.Batch.Benchmarks.Structured;

/// <summary>
/// <c>interns1 bench structured</c>: on the tiny model with the real 153,216-id vocabulary, decode tokens/s of a batch
/// whose every sequence is constrained by an annotation schema against the same batch unconstrained (same prompts,
/// seeds and lengths; eos ignored so both decode the same tokens), alternating in one process; the engine's mask time
/// per step (filling the masks plus applying them to the logits) against the step; and each schema's compile time in a
/// fresh compiler and from the cache. The tiny model's forward pass is cheap, so the ratio is a worst case: with a real
/// model the same mask work is a far smaller share of a step.
/// </summary>
public static class StructuredBenchmark
{
    public static StructuredBenchmarkReport Run(StructuredBenchmarkOptions options, InternS1Tokenizer tokenizer, Action<string>? progress = null)
    {
        using var checkpoint = BenchmarkCheckpoints.Obtain(new TinyCheckpointOptions(), options.CheckpointCacheDirectory, options.WorkDirectory, progress);
        progress?.Invoke($"loading the tiny model (dtype {options.Dtype.SettingName()})");
        using var runner = TorchModelRunner.Load(checkpoint.Directory, new TorchRunnerOptions { Dtype = options.Dtype, Threads = options.Threads, LoadVision = false });

        progress?.Invoke("building the grammar vocabulary");
        var watch = Stopwatch.StartNew();
        var vocabulary = TokenVocabulary.FromTokenizer(tokenizer, runner.Info.VocabSize, runner.Info.EosTokenIds);
        new StructuredOutputCompiler(vocabulary).CompileJsonSchema(Json("""{"type":"boolean"}"""));  // builds the token trie
        var vocabularySeconds = watch.Elapsed.TotalSeconds;
        var compile = options.CompileSchemas.Select(s =>
        {
            progress?.Invoke($"compiling {s.Name}");
            return CompileTime(vocabulary, s.Name, s.Schema);
        }).ToArray();

        var grammar = new StructuredOutputCompiler(vocabulary).CompileJsonSchema(Json(StructuredBenchmarkOptions.AnnotationSchema));
        var prompts = new BatchingWorkloads(tokenizer).Prompts(options.Sequences, options.PromptTokens, options.PromptTokens, seed: 11);
        var driver = new Driver(runner, new TokenizerDecoder(tokenizer), options);
        progress?.Invoke("warm-up");
        driver.Run("warm-up", prompts.Take(4).ToArray(), grammar, outputTokens: 4);
        StructuredDecodeRun? free = null, constrained = null;
        for (var r = 0; r < Math.Max(1, options.Repeats); r++)
        {
            progress?.Invoke($"decode, unconstrained ({r + 1}/{options.Repeats})");
            free = Best(free, driver.Run("unconstrained", prompts, null, options.OutputTokens));
            progress?.Invoke($"decode, every sequence constrained ({r + 1}/{options.Repeats})");
            constrained = Best(constrained, driver.Run("constrained", prompts, grammar, options.OutputTokens));
        }
        return new StructuredBenchmarkReport
        {
            CpuFeatures = new[] { "amx_bf16", "avx2", "avx512_bf16" }.Where(InternS1.Engine.Torch.Hardware.CpuFeatures.Current.Flags.Contains).ToList(), Dtype = runner.Dtype.Name(), Threads = torch.get_num_threads(), Parameters = checkpoint.Parameters,
            VocabularySeconds = vocabularySeconds, Unconstrained = free!, Constrained = constrained!, Compile = compile,
        };
    }

    private static StructuredDecodeRun Best(StructuredDecodeRun? a, StructuredDecodeRun b) =>
        a is null || b.DecodeTokensPerSecond > a.DecodeTokensPerSecond ? b : a;

    private static StructuredCompileTime CompileTime(TokenVocabulary vocabulary, string name, string schema)
    {
        var compiler = new StructuredOutputCompiler(vocabulary);
        var watch = Stopwatch.StartNew();
        var grammar = compiler.CompileJsonSchema(Json(schema));
        var cold = watch.Elapsed.TotalSeconds;
        watch.Restart();
        compiler.CompileJsonSchema(Json(schema));
        return new StructuredCompileTime { Schema = name, ColdSeconds = cold, CachedSeconds = watch.Elapsed.TotalSeconds, Nodes = grammar.NodeCount, Lexemes = grammar.LexemeCount };
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    /// <summary>Steps one batch through a fresh engine and times its decode-only steps.</summary>
    private sealed class Driver(TorchModelRunner runner, ITokenDecoder decoder, StructuredBenchmarkOptions options)
    {
        public StructuredDecodeRun Run(string mode, int[][] prompts, StructuredGrammar? grammar, int outputTokens)
        {
            var recorder = new StepRecordingRunner(runner);
            var blocksPerSequence = (options.PromptTokens + outputTokens) / 16 + 2;
            var core = new EngineCore(recorder, decoder, new EngineOptions
            {
                MaxNumSeqs = prompts.Length, MaxNumBatchedTokens = 2048, BlockSize = 16, KvCacheBlocks = prompts.Length * blocksPerSequence,
            });
            var eos = runner.Info.EosTokenIds;
            var jobs = prompts.Select((p, i) => new EngineRequest
            {
                RequestId = $"{mode}-{i}",
                PromptTokenIds = p,
                Sampling = new SamplingParams
                {
                    Temperature = options.Temperature, TopK = 50, TopP = 1, Seed = 1000 + i, MaxNewTokens = outputTokens,
                    StopTokenIds = eos, IgnoreEos = true,
                },
                Constraint = grammar is null ? null : new OutputConstraint { Grammar = grammar },
            }).ToArray();
            foreach (var job in jobs) core.AddRequest(job);
            GC.Collect();
            GC.WaitForPendingFinalizers();

            var results = new List<EngineResult>();
            var maskTimes = new List<double>();
            int steps = 0, masked = 0, slow = 0;
            long tokens = 0;
            var seconds = 0.0;
            while (core.HasUnfinishedRequests)
            {
                recorder.Reset();
                var start = Stopwatch.GetTimestamp();
                results.AddRange(core.Step());
                var elapsed = Stopwatch.GetElapsedTime(start);
                if (recorder.Last is not { PrefillTokens: 0, DecodeTokens: > 0 } shape) continue;
                steps++;
                tokens += shape.DecodeTokens;
                seconds += elapsed.TotalSeconds;
                if (core.LastStepMaskedSequences == 0) continue;
                masked++;
                maskTimes.Add(core.LastStepMaskTime.TotalMilliseconds);
                if (core.LastStepMaskTime.Ticks * 10 > elapsed.Ticks) slow++;
            }
            foreach (var r in results)
                if (r.FinishReason != FinishReason.Length || r.OutputTokenIds.Count != outputTokens)
                    throw new InvalidOperationException($"{mode}: '{r.RequestId}' ended with {r.FinishReason} after {r.OutputTokenIds.Count} tokens {r.Error}; expected {outputTokens}");
            maskTimes.Sort();
            return new StructuredDecodeRun
            {
                Mode = mode, Sequences = prompts.Length, DecodeSteps = steps, DecodeTokens = tokens, DecodeSeconds = seconds,
                MaskedSteps = masked, SlowMaskSteps = slow,
                MaskMillisecondsMedian = Percentile(maskTimes, 0.5), MaskMillisecondsP99 = Percentile(maskTimes, 0.99),
                ValuesCompleted = grammar is null ? 0 : results.Count(r => r.OutputTokenIds.Any(eos.Contains)),
            };
        }

        private static double Percentile(List<double> sorted, double q) =>
            sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
    }
}
