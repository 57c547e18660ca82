using InternS1.Engine.Requests;
using InternS1.Engine.Tests.Doubles;
using static InternS1.Engine.Tests.Doubles.EngineHarness;

namespace InternS1.Engine.Tests.Scheduling;

public sealed class PreemptionTests
{
    [Fact]
    public void Under_a_tiny_kv_budget_every_job_finishes_with_the_reference_output()
    {
        // 10 blocks x 4 = 40 slots; each job grows to 8 + 14 = 22 tokens (6 blocks): at most one
        // job fits at full length, so the scheduler must preempt and recompute.
        var h = new EngineHarness(Options(maxNumSeqs: 4, maxBatchedTokens: 32, blocks: 10));
        for (var i = 0; i < 5; i++) h.Core.AddRequest(Request($"j{i}", Prompt(i, 8), maxNewTokens: 14, seed: i, ignoreEos: true));
        var results = h.RunAll();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(PatternReference.Expected(Prompt(i, 8), i, 14, stopAtEos: false), results[$"j{i}"].OutputTokenIds);
            Assert.Equal(FinishReason.Length, results[$"j{i}"].FinishReason);
        }
        Assert.True(h.Core.Scheduler.NumPreemptions > 0);
        Assert.Equal(h.Core.Scheduler.NumPreemptions, results.Values.Sum(r => r.NumPreemptions));
        Assert.Empty(h.Runner.Violations);
        Assert.Equal(0, h.Core.Scheduler.KvCache.Pool.NumUsedBlocks);
    }

    [Theory]
    [InlineData(0, 1, "a")] // a has the lower priority: it goes, although it came first
    [InlineData(0, 0, "b")] // equal priority: the later arrival goes
    public void The_victim_is_the_lowest_priority_latest_arrival(int priorityA, int priorityB, string victim)
    {
        // 6 blocks x 4 = 24 slots; each job grows to 4 + 16 = 20 tokens (5 blocks).
        var h = new EngineHarness(Options(maxNumSeqs: 2, maxBatchedTokens: 16, blocks: 6, prefixCaching: false));
        h.Core.AddRequest(Request("a", Prompt(1, 4), maxNewTokens: 16, priority: priorityA, ignoreEos: true));
        h.Core.AddRequest(Request("b", Prompt(2, 4), maxNewTokens: 16, priority: priorityB, ignoreEos: true, seed: 3));
        var results = h.RunAll();

        var survivor = victim == "a" ? "b" : "a";
        Assert.True(results[victim].NumPreemptions >= 1);
        Assert.Equal(0, results[survivor].NumPreemptions);
        Assert.Equal(PatternReference.Expected(Prompt(1, 4), 0, 16, stopAtEos: false), results["a"].OutputTokenIds);
        Assert.Equal(PatternReference.Expected(Prompt(2, 4), 3, 16, stopAtEos: false), results["b"].OutputTokenIds);
        Assert.Empty(h.Runner.Violations);
    }

    [Fact]
    public void A_preempted_job_recomputes_from_position_zero_or_its_cached_prefix()
    {
        var h = new EngineHarness(Options(maxNumSeqs: 2, maxBatchedTokens: 16, blocks: 6, prefixCaching: false));
        h.Core.AddRequest(Request("a", Prompt(1, 4), maxNewTokens: 16, ignoreEos: true));
        h.Core.AddRequest(Request("b", Prompt(2, 4), maxNewTokens: 16, ignoreEos: true));
        h.RunAll();

        // b's schedule: ... decodes, then after the preemption a chunk from 0 with every known token.
        var bSteps = h.Runner.Steps.SelectMany(s => s.Requests).Where(r => r.RequestId == "b").ToList();
        var restart = bSteps.Skip(1).First(r => r.StartPosition == 0);
        Assert.True(restart.TokenIds.Count > 4);
        Assert.Equal(restart.TokenIds.Count - 4, restart.OutputIndex);
        Assert.True(restart.Sample);
    }
}
