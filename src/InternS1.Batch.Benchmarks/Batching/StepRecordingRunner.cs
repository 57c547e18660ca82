using InternS1.Engine.Execution;

namespace InternS1.Batch.Benchmarks.Batching;

/// <summary>Passes every call to the real runner and notes what each step computed (prefill-chunk
/// tokens, single-token decodes, sequences), so the benchmark can split time into prefill and
/// decode. Does not own the runner.</summary>
internal sealed class StepRecordingRunner(IModelRunner inner) : IModelRunner
{
    /// <summary>What the last <see cref="Execute"/> computed; null when no step ran since <see cref="Reset"/>.</summary>
    public StepShape? Last { get; private set; }

    public ModelRunnerInfo Info => inner.Info;

    public void InitializeKvCache(int numBlocks, int blockSize) => inner.InitializeKvCache(numBlocks, blockSize);

    public void Reset() => Last = null;

    public ModelRunnerOutput Execute(SchedulerOutput schedule)
    {
        var prefill = 0;
        var decodes = 0;
        foreach (var r in schedule.Requests)
        {
            // NOTE: a decode continues a sequence that already has outputs with its one newest token;
            // anything else (prompt chunks, recomputation after preemption) is prefill.
            if (r.TokenIds.Count == 1 && r.OutputIndex > 0 && r.Sample) decodes++;
            else prefill += r.TokenIds.Count;
        }
        Last = new StepShape(prefill, decodes, schedule.Requests.Count);
        return inner.Execute(schedule);
    }

    /// <summary>The benchmark owns and disposes the real runner.</summary>
    public void Dispose()
    {
    }

    /// <summary>One step's work.</summary>
    internal sealed record StepShape(int PrefillTokens, int DecodeTokens, int Sequences);
}
