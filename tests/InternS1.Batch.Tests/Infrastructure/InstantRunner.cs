using System.Collections.Concurrent;
using InternS1.Engine.Execution;
using InternS1.Engine.Requests;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>
/// A deterministic instant <see cref="IModelRunner"/> for the hosting tests (tests only): every request answers
/// <paramref name="answer"/> (token ids), then <paramref name="eos"/>. <see cref="StepGate"/>, when set, holds each
/// step until the test releases it; <see cref="InStep"/> is set once a step has begun.
/// </summary>
public sealed class InstantRunner(IReadOnlyList<int> answer, int eos) : IModelRunner
{
    public ModelRunnerInfo Info { get; } = new()
    {
        ModelName = "instant-runner",
        MaxModelLength = 4096,
        VocabSize = 153_216,
        EosTokenIds = [eos],
        RecommendedSampling = new SamplingParams(),
        NumLayers = 1,
        NumKvHeads = 1,
        HeadDim = 8,
        KvElementBytes = 4,
    };

    public int NumBlocks { get; private set; }

    /// <summary>Prompt length of every request that reached its first sampled token.</summary>
    public ConcurrentQueue<int> PromptLengths { get; } = new();

    public SemaphoreSlim? StepGate { get; init; }

    public ManualResetEventSlim InStep { get; } = new();

    public bool Disposed { get; private set; }

    public void InitializeKvCache(int numBlocks, int blockSize) => NumBlocks = numBlocks;

    public ModelRunnerOutput Execute(SchedulerOutput schedule)
    {
        InStep.Set();
        StepGate?.Wait();
        return new ModelRunnerOutput(schedule.Requests.Select(r =>
        {
            if (!r.Sample) return new RequestOutput(r.RequestId, null);
            if (r.OutputIndex == 0) PromptLengths.Enqueue(r.StartPosition + r.TokenIds.Count);
            return new RequestOutput(r.RequestId, r.OutputIndex < answer.Count ? answer[r.OutputIndex] : eos);
        }).ToArray());
    }

    public void Dispose() => Disposed = true;
}
