using System.Diagnostics;
using InternS1.Engine.Configuration;
using InternS1.Engine.Core;
using InternS1.Engine.Execution;
using InternS1.Engine.Output;
using InternS1.Engine.Requests;

namespace InternS1.Batch.Benchmarks.Batching;

/// <summary>
/// Runs a set of jobs through a fresh <see cref="EngineCore"/> over the real runner, step by step,
/// timing every step and counting what it computed. Continuous batching admits every job at once
/// and lets the scheduler fill its slots; a static run admits one group of jobs at a time and the
/// next group only after the whole group ended.
/// </summary>
internal sealed class BatchingDriver(IModelRunner runner, ITokenDecoder decoder)
{
    private const int MaxIdleSteps = 1000;

    /// <summary>Runs <paramref name="jobs"/>; with <paramref name="staticBatch"/>, in groups of that size.</summary>
    /// <param name="usefulLengths">Per job, the output tokens that count (padded static batches generate more); null = all.</param>
    /// <exception cref="InvalidOperationException">A job did not end with all its tokens (the numbers would be meaningless).</exception>
    public BatchingRunStats Run(string mode, EngineOptions options, IReadOnlyList<EngineRequest> jobs, int? staticBatch = null,
        IReadOnlyList<int>? usefulLengths = null)
    {
        var recorder = new StepRecordingRunner(runner);
        var core = new EngineCore(recorder, decoder, options);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        long prefill = 0, decode = 0, decodeOnlyTokens = 0, sequences = 0;
        var steps = 0;
        var decodeOnly = TimeSpan.Zero;
        var results = new List<EngineResult>(jobs.Count);
        var groups = staticBatch is { } size ? jobs.Chunk(size).ToArray() : [jobs.ToArray()];
        var watch = Stopwatch.StartNew();
        foreach (var group in groups)
        {
            foreach (var job in group) core.AddRequest(job);
            var remaining = group.Length;
            var idle = 0;
            while (remaining > 0)
            {
                recorder.Reset();
                var start = watch.Elapsed;
                var finished = core.Step();
                var elapsed = watch.Elapsed - start;
                remaining -= finished.Count;
                results.AddRange(finished);
                if (recorder.Last is not { } shape)
                {
                    if (finished.Count == 0 && ++idle > MaxIdleSteps)
                        throw new InvalidOperationException($"{mode}: the scheduler scheduled nothing for {MaxIdleSteps} steps with {remaining} jobs left (KV pool too small?)");
                    continue;
                }
                idle = 0;
                steps++;
                prefill += shape.PrefillTokens;
                decode += shape.DecodeTokens;
                sequences += shape.Sequences;
                if (shape.PrefillTokens == 0)
                {
                    decodeOnly += elapsed;
                    decodeOnlyTokens += shape.DecodeTokens;
                }
            }
        }
        var wall = watch.Elapsed;

        var byId = results.ToDictionary(r => r.RequestId, StringComparer.Ordinal);
        long useful = 0;
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            if (!byId.TryGetValue(job.RequestId, out var r) || r.FinishReason != FinishReason.Length || r.OutputTokenIds.Count != job.Sampling.MaxNewTokens)
                throw new InvalidOperationException($"{mode}: job '{job.RequestId}' ended with {(r is null ? "no result" : $"{r.FinishReason} after {r.OutputTokenIds.Count} tokens {r.Error}")}; expected {job.Sampling.MaxNewTokens} tokens");
            useful += usefulLengths?[i] ?? r.OutputTokenIds.Count;
        }
        return new BatchingRunStats
        {
            Mode = mode,
            Jobs = jobs.Count,
            WallSeconds = wall.TotalSeconds,
            Steps = steps,
            PrefillTokens = prefill,
            DecodeTokens = decode,
            UsefulOutputTokens = useful,
            DecodeOnlySeconds = decodeOnly.TotalSeconds,
            DecodeOnlyTokens = decodeOnlyTokens,
            CachedPromptTokens = results.Sum(r => (long)r.NumCachedTokens),
            Preemptions = results.Sum(r => (long)r.NumPreemptions),
            MeanBatchSize = steps > 0 ? (double)sequences / steps : 0,
        };
    }

    /// <summary>Greedy jobs with exact lengths (eos ignored), one per prompt.</summary>
    public static EngineRequest[] Jobs(string prefix, IReadOnlyList<int[]> prompts, IReadOnlyList<int> outputLengths) =>
        prompts.Select((p, i) => new EngineRequest
        {
            RequestId = $"{prefix}-{i}",
            PromptTokenIds = p,
            Sampling = new SamplingParams { Temperature = 0, MaxNewTokens = outputLengths[i], IgnoreEos = true },
        }).ToArray();
}
