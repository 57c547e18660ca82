using InternS1.Engine.Configuration;
using InternS1.Engine.Core;
using InternS1.Engine.Requests;

namespace InternS1.Engine.Tests.Doubles;

/// <summary>An <see cref="EngineCore"/> on a <see cref="PatternRunner"/> with invariants checked at every step.</summary>
public sealed class EngineHarness
{
    public EngineHarness(EngineOptions options, TimeProvider? time = null, int maxModelLength = 1 << 20)
    {
        Runner = new PatternRunner(maxModelLength);
        Core = new EngineCore(Runner, new TestDecoder(), options, timeProvider: time);
        Runner.BeforeExecute = s => InvariantChecker.Check(Core, Runner, s);
    }

    public PatternRunner Runner { get; }
    public EngineCore Core { get; }

    public static EngineOptions Options(int maxNumSeqs = 8, int maxBatchedTokens = 32, int blockSize = 4, int blocks = 64,
        bool prefixCaching = true, int encoderTiles = 32, int reservedInteractive = 0) => new()
    {
        ReservedInteractiveSeqs = reservedInteractive,
        MaxNumSeqs = maxNumSeqs,
        MaxNumBatchedTokens = maxBatchedTokens,
        BlockSize = blockSize,
        KvCacheBlocks = blocks,
        EnablePrefixCaching = prefixCaching,
        MaxEncoderTilesPerStep = encoderTiles,
    };

    /// <summary>Deterministic ids in [2, 999] (never EOS).</summary>
    public static int[] Prompt(int seed, int length)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => rng.Next(2, 1000)).ToArray();
    }

    public static EngineRequest Request(string id, IReadOnlyList<int> prompt, int maxNewTokens = 64, long seed = 0,
        int priority = 0, DateTimeOffset? deadline = null, IReadOnlyList<string>? stopStrings = null, bool ignoreEos = false,
        string? salt = null, IReadOnlyList<MultimodalInput>? media = null, SchedulingClass schedulingClass = SchedulingClass.Batch) => new()
    {
        RequestId = id,
        PromptTokenIds = prompt,
        Sampling = new SamplingParams
        {
            Temperature = 0f,
            Seed = seed,
            MaxNewTokens = maxNewTokens,
            StopTokenIds = [PatternRunner.Eos],
            StopStrings = stopStrings ?? [],
            IgnoreEos = ignoreEos,
        },
        Priority = priority,
        SchedulingClass = schedulingClass,
        Deadline = deadline,
        CacheSalt = salt,
        MultimodalInputs = media ?? [],
    };

    /// <summary>Steps until nothing is left; results by request id.</summary>
    public Dictionary<string, EngineResult> RunAll(int maxSteps = 10_000)
    {
        var results = new Dictionary<string, EngineResult>();
        for (var i = 0; i < maxSteps && Core.HasUnfinishedRequests; i++)
        {
            foreach (var r in Core.Step()) results.Add(r.RequestId, r);
        }
        Assert.False(Core.HasUnfinishedRequests, "the engine did not finish");
        return results;
    }
}
