using InternS1.Engine.Execution;

namespace InternS1.Engine.Tests.Doubles;

/// <summary>
/// A <see cref="PatternRunner"/> (its KV checks and pattern for free rows) that samples a masked row like a real
/// sampler would: a seeded pick among the ids its <see cref="ScheduledRequest.TokenMask"/> allows (seed, output index).
/// With <see cref="IgnoreMasks"/> it keeps the pattern token instead (a runner that does not honour masks).
/// Records every mask it was given, copied (the engine reuses its buffers).
/// </summary>
public sealed class MaskingRunner(PatternRunner inner) : IModelRunner
{
    public bool IgnoreMasks { get; set; }

    /// <summary>(request id, output index) -> the allowed ids of that token.</summary>
    public Dictionary<(string RequestId, int OutputIndex), int[]> Masks { get; } = [];

    public PatternRunner Inner => inner;

    public ModelRunnerInfo Info => inner.Info;

    public void InitializeKvCache(int numBlocks, int blockSize) => inner.InitializeKvCache(numBlocks, blockSize);

    public ModelRunnerOutput Execute(SchedulerOutput schedule)
    {
        var output = inner.Execute(schedule);
        var outputs = output.Outputs.ToArray();
        for (var i = 0; i < schedule.Requests.Count; i++)
        {
            var r = schedule.Requests[i];
            if (r.TokenMask is not { } mask) continue;
            var allowed = Allowed(mask, Info.VocabSize);
            Masks[(r.RequestId, r.OutputIndex)] = allowed;
            if (IgnoreMasks || outputs[i].Error is not null) continue;
            var pick = allowed[new Random(HashCode.Combine(r.Sampling.Seed, r.OutputIndex)).Next(allowed.Length)];
            outputs[i] = outputs[i] with { SampledTokenId = pick };
        }
        return new ModelRunnerOutput(outputs);
    }

    public static int[] Allowed(ulong[] mask, int size) =>
        Enumerable.Range(0, size).Where(id => (id >> 6) < mask.Length && (mask[id >> 6] >> (id & 63) & 1) != 0).ToArray();

    public void Dispose() => inner.Dispose();
}
