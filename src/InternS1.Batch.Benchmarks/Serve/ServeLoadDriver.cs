using System.Diagnostics;
using InternS1.Engine.Configuration;
using InternS1.Engine.Core;
using InternS1.Engine.Execution;
using InternS1.Engine.Output;
using InternS1.Engine.Requests;

namespace InternS1.Batch.Benchmarks.Serve;

/// <summary>
/// Runs a batch and a closed-loop interactive client through a fresh <see cref="EngineCore"/> over the real runner,
/// step by step on this thread. The batch is admitted at the start; the client sends its first request once the batch
/// holds every slot it can (at once when there is no batch), streamed and in the interactive class, and each next one
/// when the previous ended. A request's time to first token runs from its admission to the end of the step that
/// produced its first token.
/// </summary>
/// <remarks>NOTE: this is the engine under the endpoint, not HTTP: the endpoint adds the same parsing, templating and
/// socket time to an idle and a loaded engine, and the scheduling is what decides how the two compare.</remarks>
internal sealed class ServeLoadDriver(IModelRunner runner, ITokenDecoder decoder)
{
    private const int MaxIdleSteps = 1000;

    /// <exception cref="InvalidOperationException">A request did not end with all its tokens (the numbers would be meaningless).</exception>
    public ServeRunStats Run(string mode, EngineOptions options, IReadOnlyList<EngineRequest> batch, IReadOnlyList<EngineRequest> interactive)
    {
        var core = new EngineCore(runner, decoder, options);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var fullLoad = Math.Min(batch.Count, options.MaxNumSeqs);
        var watch = Stopwatch.StartNew();
        foreach (var job in batch) core.AddRequest(job);

        var results = new Dictionary<string, EngineResult>(StringComparer.Ordinal);
        var ttft = new List<double>();
        var rates = new List<double>();
        var deltas = new List<EngineDelta>();
        var next = 0;
        EngineRequest? current = null;
        TimeSpan admitted = default, first = default;
        double batchSeconds = 0;
        int steps = 0, idle = 0, batchLeft = batch.Count;
        while (batchLeft > 0 || next < interactive.Count || current is not null)
        {
            if (current is null && next < interactive.Count && (batchLeft == 0 || core.Scheduler.NumRunning >= fullLoad))
            {
                current = interactive[next++];
                core.AddRequest(current, streamed: true);
                admitted = watch.Elapsed;
                first = default;
            }
            deltas.Clear();
            var computed = core.NumComputedTokens;
            var finished = core.Step(deltas);
            var now = watch.Elapsed;
            steps++;
            if (current is not null && first == default && deltas.Any(d => d.RequestId == current.RequestId && d.NumOutputTokens > 0))
                first = now;
            idle = finished.Count == 0 && core.NumComputedTokens == computed ? idle + 1 : 0;
            if (idle > MaxIdleSteps)
                throw new InvalidOperationException($"{mode}: the scheduler scheduled nothing for {MaxIdleSteps} steps (KV pool too small?)");
            foreach (var r in finished)
            {
                results[r.RequestId] = r;
                if (current is not null && r.RequestId == current.RequestId)
                {
                    if (first == default) first = now;
                    ttft.Add((first - admitted).TotalSeconds);
                    var decodeSeconds = (now - first).TotalSeconds;
                    rates.Add(decodeSeconds > 0 ? (r.OutputTokenIds.Count - 1) / decodeSeconds : 0);
                    current = null;
                }
                else if (--batchLeft == 0)
                {
                    batchSeconds = now.TotalSeconds;
                }
            }
        }
        var wall = watch.Elapsed.TotalSeconds;
        foreach (var request in batch.Concat(interactive))
        {
            if (!results.TryGetValue(request.RequestId, out var r) || r.FinishReason != FinishReason.Length || r.OutputTokenIds.Count != request.Sampling.MaxNewTokens)
                throw new InvalidOperationException($"{mode}: request '{request.RequestId}' ended with {(r is null ? "no result" : $"{r.FinishReason} after {r.OutputTokenIds.Count} tokens {r.Error}")}; expected {request.Sampling.MaxNewTokens} tokens");
        }
        return new ServeRunStats
        {
            Mode = mode, Steps = steps, WallSeconds = wall,
            BatchJobs = batch.Count, BatchOutputTokens = batch.Sum(j => (long)results[j.RequestId].OutputTokenIds.Count), BatchSeconds = batchSeconds,
            InteractiveRequests = interactive.Count, InteractiveOutputTokens = interactive.Sum(j => (long)results[j.RequestId].OutputTokenIds.Count),
            TtftSeconds = ttft, InteractiveTokensPerSecond = rates,
            Preemptions = batch.Sum(j => (long)results[j.RequestId].NumPreemptions),
        };
    }

    /// <summary>Greedy requests of the class with exact lengths (eos ignored), one per prompt.</summary>
    public static EngineRequest[] Requests(string prefix, SchedulingClass schedulingClass, IReadOnlyList<int[]> prompts, int outputTokens) =>
        prompts.Select((p, i) => new EngineRequest
        {
            RequestId = $"{prefix}-{i}",
            PromptTokenIds = p,
            SchedulingClass = schedulingClass,
            Sampling = new SamplingParams { Temperature = 0, MaxNewTokens = outputTokens, IgnoreEos = true },
        }).ToArray();
}
