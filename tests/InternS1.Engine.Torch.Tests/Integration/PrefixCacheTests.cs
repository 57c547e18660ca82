using InternS1.Engine.Configuration;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Tests.Support;

namespace InternS1.Engine.Torch.Tests.Integration;

/// <summary>
/// Prefix caching over the real runner: a job served partly from cached blocks must produce the
/// logits and tokens of a cold run, also when cached blocks are evicted and reused under pressure.
/// </summary>
public class PrefixCacheTests(TinyModelFixture fx) : IClassFixture<TinyModelFixture>
{
    private static EngineOptions Options(int kvBlocks, bool prefix = true, int maxSeqs = 4) => new()
    {
        MaxNumSeqs = maxSeqs, MaxNumBatchedTokens = 32, BlockSize = 4, KvCacheBlocks = kvBlocks, EnablePrefixCaching = prefix,
    };

    [Fact]
    public void A_prefix_cache_hit_gives_the_logits_of_a_cold_run()
    {
        var shared = EngineScenario.Prompt(20, 7);                           // 5 full blocks
        var first = EngineScenario.Job("first", [.. shared, .. EngineScenario.Prompt(5, 8)], 4);
        var hit = EngineScenario.Job("hit", [.. shared, .. EngineScenario.Prompt(7, 9)], 6);
        var same = EngineScenario.Job("same", first.PromptTokenIds.ToArray(), 6);   // the whole prompt again
        var expected = AloneReference.ForAll(fx.Runner, [hit, same]);

        // cold: prefix caching off
        var cold = new EngineScenario(fx.Runner, Options(64, prefix: false));
        var coldResults = cold.RunAll([hit, same]);

        var warm = new EngineScenario(fx.Runner, Options(64));
        warm.RunAll([first]);
        var warmResults = warm.RunAll([hit, same]);

        Assert.Empty(warm.Recorder.Violations);
        Assert.Equal(20, warmResults["hit"].NumCachedTokens);
        Assert.Equal(24, warmResults["same"].NumCachedTokens);               // (25 - 1) / 4 full blocks: the last token is computed
        Assert.Equal(0, coldResults["hit"].NumCachedTokens);
        foreach (var id in new[] { "hit", "same" })
        {
            Assert.Equal(expected[id].Tokens, warmResults[id].OutputTokenIds);
            Assert.Equal(coldResults[id].OutputTokenIds, warmResults[id].OutputTokenIds);
            for (var i = 0; i < warmResults[id].OutputTokenIds.Count; i++)
            {
                ContinuousBatchingTests.AssertClose(cold.Recorder.Logits[(id, i)], warm.Recorder.Logits[(id, i)], $"{id} output {i} (cold vs hit)");
                ContinuousBatchingTests.AssertClose(expected[id].Logits[i], warm.Recorder.Logits[(id, i)], $"{id} output {i} (alone vs hit)");
            }
        }
    }

    [Fact]
    public void Eviction_under_pressure_keeps_results_identical()
    {
        // three instructions of 12 tokens (3 blocks); jobs of one group arrive after the other groups
        // have pushed its blocks out of a 16-block pool, others arrive while the blocks are still cached
        var instructions = Enumerable.Range(0, 3).Select(g => EngineScenario.Prompt(12, 300 + g)).ToArray();
        var order = new[] { 0, 0, 1, 2, 1, 0, 2, 2, 0, 1 };
        var jobs = order.Select((g, i) => EngineScenario.Job($"g{g}-{i}", [.. instructions[g], .. EngineScenario.Prompt(3 + i % 4, 400 + i)], 5)).ToArray();
        var expected = AloneReference.ForAll(fx.Runner, jobs);

        var scenario = new EngineScenario(fx.Runner, Options(16, maxSeqs: 2));
        var results = new Dictionary<string, EngineResult>();
        foreach (var job in jobs)
            foreach (var (id, r) in scenario.RunAll([job])) results.Add(id, r);   // one job at a time: a deterministic cache history

        Assert.Empty(scenario.Recorder.Violations);
        foreach (var job in jobs) Assert.Equal(expected[job.RequestId].Tokens, results[job.RequestId].OutputTokenIds);
        // both happened: a job reused its group's cached instruction, and a job found it evicted
        var repeats = jobs.Where((j, i) => order.Take(i).Contains(order[i])).Select(j => results[j.RequestId]).ToArray();
        Assert.Contains(repeats, r => r.NumCachedTokens >= 12);
        Assert.Contains(repeats, r => r.NumCachedTokens < 12);
    }
}
