using InternS1.Engine.Configuration;
using InternS1.Engine.Execution;

namespace InternS1.Engine.Torch.Tests.Integration;

/// <summary>
/// Wraps the real runner for engine tests: asks for the logits of every sampled position (the
/// scheduler never does), records them per (request, output index), records each step's shape,
/// and checks step invariants the runner relies on: budgets, and no request writing into a block
/// that another request of the same step also holds. Does not own the runner.
/// </summary>
internal sealed class RecordingRunner(IModelRunner inner, EngineOptions options) : IModelRunner
{
    /// <summary>(request id, output index) -> logits of the position that sampled that output.</summary>
    public Dictionary<(string RequestId, int OutputIndex), float[]> Logits { get; } = [];

    /// <summary>Every executed step, in order.</summary>
    public List<SchedulerOutput> Steps { get; } = [];

    public List<string> Violations { get; } = [];

    public ModelRunnerInfo Info => inner.Info;

    public void InitializeKvCache(int numBlocks, int blockSize) => inner.InitializeKvCache(numBlocks, blockSize);

    public ModelRunnerOutput Execute(SchedulerOutput schedule)
    {
        Check(schedule);
        Steps.Add(schedule);
        var withLogits = schedule with { Requests = schedule.Requests.Select(r => r with { ReturnLogits = r.Sample }).ToArray() };
        var output = inner.Execute(withLogits);
        for (var i = 0; i < output.Outputs.Count; i++)
        {
            var r = schedule.Requests[i];
            if (output.Outputs[i].Logits is { } logits) Logits[(r.RequestId, r.OutputIndex)] = logits;
        }
        return output;
    }

    /// <summary>True when some step decoded one request while another request's prompt was being prefilled.</summary>
    public bool JoinedWhileDecoding() => Steps.Any(s =>
        s.Requests.Any(r => r.TokenIds.Count == 1 && r.OutputIndex > 0) && s.Requests.Any(r => r.OutputIndex == 0));

    /// <summary>True when some prompt was split over several steps (chunked prefill).</summary>
    public bool ChunkedAPrompt() => Steps.Any(s => s.Requests.Any(r => r.OutputIndex == 0 && r.StartPosition > 0 && r.TokenIds.Count > 1));

    public int MaxSequencesInAStep() => Steps.Max(s => s.Requests.Count);

    private void Check(SchedulerOutput s)
    {
        if (s.TotalScheduledTokens > options.MaxNumBatchedTokens) Violations.Add($"step {s.StepId}: {s.TotalScheduledTokens} tokens > {options.MaxNumBatchedTokens}");
        if (s.Requests.Count > options.MaxNumSeqs) Violations.Add($"step {s.StepId}: {s.Requests.Count} sequences > {options.MaxNumSeqs}");
        var bs = options.BlockSize;
        foreach (var r in s.Requests)
        {
            var written = Enumerable.Range(r.StartPosition / bs, (r.StartPosition + r.TokenIds.Count - 1) / bs - r.StartPosition / bs + 1)
                .Select(i => r.BlockTable[i]).ToHashSet();
            foreach (var other in s.Requests.Where(o => o.RequestId != r.RequestId))
            {
                if (other.BlockTable.Any(written.Contains))
                    Violations.Add($"step {s.StepId}: {r.RequestId} writes a block that {other.RequestId} also holds");
            }
        }
    }

    /// <summary>The fixture owns the real runner.</summary>
    public void Dispose()
    {
    }
}
