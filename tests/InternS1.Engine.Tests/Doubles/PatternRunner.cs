using InternS1.Engine.Execution;
using InternS1.Engine.Requests;

namespace InternS1.Engine.Tests.Doubles;

/// <summary>
/// A deterministic instant <see cref="IModelRunner"/> for scheduler tests. It keeps its own KV
/// store of token ids (one int per slot, -1 = never written) and uses it like a real runner uses
/// its KV tensors: scheduled tokens are written at the slots the block table names, and a sampled
/// token is computed from the whole sequence read back through the block table. So a wrong
/// StartPosition, block table, prefix hit or eviction changes the output (and reading a slot never
/// written is recorded as a violation). The output is <see cref="PatternReference"/>'s pattern.
/// Every <see cref="SchedulerOutput"/> is recorded.
/// </summary>
public sealed class PatternRunner : IModelRunner
{
    public const int Vocab = 1000;
    public const int Eos = 1;

    private int[] _slots = [];

    public PatternRunner(int maxModelLength = 1 << 20, int numLayers = 2, int numKvHeads = 2, int headDim = 8, int elementBytes = 4)
    {
        Info = new ModelRunnerInfo
        {
            ModelName = "pattern-runner",
            MaxModelLength = maxModelLength,
            VocabSize = Vocab,
            EosTokenIds = [Eos],
            RecommendedSampling = new SamplingParams(),
            NumLayers = numLayers,
            NumKvHeads = numKvHeads,
            HeadDim = headDim,
            KvElementBytes = elementBytes,
        };
    }

    public ModelRunnerInfo Info { get; }
    public int NumBlocks { get; private set; }
    public int BlockSize { get; private set; }

    /// <summary>Every step the runner was given, in order.</summary>
    public List<SchedulerOutput> Steps { get; } = [];

    /// <summary>Contract violations seen (empty in a correct engine).</summary>
    public List<string> Violations { get; } = [];

    /// <summary>Called with each step before it runs (invariant checks, pauses).</summary>
    public Action<SchedulerOutput>? BeforeExecute { get; set; }

    /// <summary>Returns an error for a request to fail it alone.</summary>
    public Func<ScheduledRequest, string?>? ErrorFor { get; set; }

    /// <summary>True = throw from Execute (a device-level failure).</summary>
    public Func<SchedulerOutput, bool>? ThrowOn { get; set; }

    public void InitializeKvCache(int numBlocks, int blockSize)
    {
        NumBlocks = numBlocks;
        BlockSize = blockSize;
        _slots = new int[numBlocks * blockSize];
        Array.Fill(_slots, -1);
    }

    public ModelRunnerOutput Execute(SchedulerOutput schedule)
    {
        lock (Steps) Steps.Add(schedule);
        BeforeExecute?.Invoke(schedule);
        if (ThrowOn?.Invoke(schedule) == true) throw new InvalidOperationException($"simulated device failure in step {schedule.StepId}");
        return new ModelRunnerOutput(schedule.Requests.Select(RunOne).ToArray());
    }

    private RequestOutput RunOne(ScheduledRequest r)
    {
        if (ErrorFor?.Invoke(r) is { } error) return new RequestOutput(r.RequestId, null, null, error);
        var end = r.StartPosition + r.TokenIds.Count;
        if (r.BlockTable.Count * BlockSize < end) Violate($"{r.RequestId}: block table of {r.BlockTable.Count} blocks cannot hold {end} positions");
        if (r.BlockTable.Any(b => b < 0 || b >= NumBlocks)) Violate($"{r.RequestId}: block id outside the pool");
        for (var p = 0; p < r.StartPosition; p++)
        {
            if (Read(r.BlockTable, p) < 0) Violate($"{r.RequestId}: position {p} (< StartPosition {r.StartPosition}) was never written");
        }
        for (var i = 0; i < r.TokenIds.Count; i++) Write(r.BlockTable, r.StartPosition + i, r.TokenIds[i]);
        if (!r.Sample) return new RequestOutput(r.RequestId, null);

        var sequence = Enumerable.Range(0, end).Select(p => Read(r.BlockTable, p)).ToArray();
        var promptLength = end - r.OutputIndex;
        if (promptLength <= 0) Violate($"{r.RequestId}: OutputIndex {r.OutputIndex} >= sequence length {end}");
        var token = PatternReference.NextToken(sequence, Math.Max(1, promptLength), r.Sampling.Seed);
        return new RequestOutput(r.RequestId, token);
    }

    private int Read(IReadOnlyList<int> table, int position) =>
        position / BlockSize < table.Count ? _slots[table[position / BlockSize] * BlockSize + position % BlockSize] : -1;

    private void Write(IReadOnlyList<int> table, int position, int token)
    {
        if (position / BlockSize < table.Count) _slots[table[position / BlockSize] * BlockSize + position % BlockSize] = token;
    }

    private void Violate(string message)
    {
        lock (Violations) Violations.Add(message);
    }

    public void Dispose() { }
}
