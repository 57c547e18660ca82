using InternS1.Engine.Configuration;
using InternS1.Engine.Requests;
using InternS1.Engine.Tests.Doubles;
using static InternS1.Engine.Tests.Doubles.EngineHarness;

namespace InternS1.Engine.Tests.Scheduling;

/// <summary>Interactive requests ahead of batch ones: admission order, preemption of batch sequences for a slot or
/// KV blocks, reserved slots; every request still ends once with the naive reference's output.</summary>
public sealed class InteractiveTests
{
    private static EngineRequest Interactive(string id, int[] prompt, int maxNewTokens, long seed = 0, int priority = 0) =>
        Request(id, prompt, maxNewTokens, seed, priority, ignoreEos: true, schedulingClass: SchedulingClass.Interactive);

    private static EngineRequest Batch(string id, int[] prompt, int maxNewTokens, long seed = 0, int priority = 0) =>
        Request(id, prompt, maxNewTokens, seed, priority, ignoreEos: true);

    private static void AssertReference(Dictionary<string, EngineResult> results, string id, int[] prompt, long seed, int maxNewTokens) =>
        Assert.Equal(PatternReference.Expected(prompt, seed, maxNewTokens, stopAtEos: false), results[id].OutputTokenIds);

    [Fact]
    public void An_interactive_request_is_admitted_before_every_waiting_batch_request_whatever_their_priorities()
    {
        var h = new EngineHarness(Options(maxNumSeqs: 2, maxBatchedTokens: 64, prefixCaching: false));
        h.Core.AddRequest(Batch("b-low", Prompt(1, 4), 3, priority: 5));
        h.Core.AddRequest(Batch("b-high", Prompt(2, 4), 3, priority: 9));
        h.Core.AddRequest(Interactive("i", Prompt(3, 4), 3, priority: -3));
        var results = h.RunAll();

        // The first step: the interactive request, then the higher-priority batch one; the other waits.
        Assert.Equal(["i", "b-high"], h.Runner.Steps[0].Requests.Select(r => r.RequestId));
        Assert.Equal(0, h.Core.Scheduler.NumPreemptions);
        AssertReference(results, "i", Prompt(3, 4), 0, 3);
        Assert.Empty(h.Runner.Violations);
    }

    [Fact]
    public void With_every_slot_taken_by_batch_work_an_interactive_request_preempts_the_lowest_latest_batch_sequence()
    {
        var h = new EngineHarness(Options(maxNumSeqs: 2, maxBatchedTokens: 64, blocks: 64, prefixCaching: false));
        h.Core.AddRequest(Batch("b1", Prompt(1, 4), 12, seed: 1));
        h.Core.AddRequest(Batch("b2", Prompt(2, 4), 12, seed: 2));
        var results = new Dictionary<string, EngineResult>();
        for (var i = 0; i < 3; i++) foreach (var r in h.Core.Step()) results.Add(r.RequestId, r);
        Assert.Equal(2, h.Core.Scheduler.NumRunning);

        h.Core.AddRequest(Interactive("i", Prompt(3, 5), 4, seed: 3));
        var stepsBefore = h.Runner.Steps.Count;
        foreach (var r in h.Core.Step()) results.Add(r.RequestId, r);

        // The very next step runs the interactive prompt; b2 (same priority, later arrival) made room.
        var next = h.Runner.Steps[stepsBefore].Requests.Select(r => r.RequestId).ToList();
        Assert.Contains("i", next);
        Assert.DoesNotContain("b2", next);
        foreach (var r in h.RunAll()) results.Add(r.Key, r.Value);

        Assert.Equal(1, results["b2"].NumPreemptions);
        Assert.Equal(0, results["b1"].NumPreemptions);
        Assert.Equal(0, results["i"].NumPreemptions);
        AssertReference(results, "b1", Prompt(1, 4), 1, 12);
        AssertReference(results, "b2", Prompt(2, 4), 2, 12);
        AssertReference(results, "i", Prompt(3, 5), 3, 4);
        Assert.Empty(h.Runner.Violations);
        Assert.Equal(0, h.Core.Scheduler.KvCache.Pool.NumUsedBlocks);
    }

    [Fact]
    public void With_the_kv_cache_full_of_batch_work_an_interactive_request_preempts_batch_sequences_for_blocks()
    {
        // 8 blocks x 4 = 32 slots: two batch jobs of 4 + 10 tokens hold 4 blocks each when long; the interactive
        // prompt of 9 tokens needs 3 blocks.
        var h = new EngineHarness(Options(maxNumSeqs: 8, maxBatchedTokens: 64, blocks: 8, prefixCaching: false));
        h.Core.AddRequest(Batch("b1", Prompt(1, 4), 12, seed: 1));
        h.Core.AddRequest(Batch("b2", Prompt(2, 4), 12, seed: 2));
        var results = new Dictionary<string, EngineResult>();
        for (var i = 0; i < 10; i++) foreach (var r in h.Core.Step()) results.Add(r.RequestId, r);
        Assert.Equal(8, h.Core.Scheduler.KvCache.Pool.NumUsedBlocks);

        h.Core.AddRequest(Interactive("i", Prompt(3, 9), 3, seed: 3));
        var stepsBefore = h.Runner.Steps.Count;
        foreach (var r in h.Core.Step()) results.Add(r.RequestId, r);
        Assert.Contains("i", h.Runner.Steps[stepsBefore].Requests.Select(r => r.RequestId));
        foreach (var r in h.RunAll()) results.Add(r.Key, r.Value);

        Assert.Equal(0, results["i"].NumPreemptions);
        Assert.True(results["b1"].NumPreemptions + results["b2"].NumPreemptions >= 1);
        AssertReference(results, "b1", Prompt(1, 4), 1, 12);
        AssertReference(results, "b2", Prompt(2, 4), 2, 12);
        AssertReference(results, "i", Prompt(3, 9), 3, 3);
        Assert.Empty(h.Runner.Violations);
    }

    [Fact]
    public void A_batch_sequence_short_of_blocks_preempts_itself_rather_than_an_interactive_one()
    {
        // 6 blocks x 4 = 24 slots; both grow to 4 + 16 = 20 tokens (5 blocks): one must give way, and the
        // interactive one arrived later (it would be the victim between equals).
        var h = new EngineHarness(Options(maxNumSeqs: 2, maxBatchedTokens: 16, blocks: 6, prefixCaching: false));
        h.Core.AddRequest(Batch("b", Prompt(1, 4), 16, seed: 1, priority: 7));
        h.Core.AddRequest(Interactive("i", Prompt(2, 4), 16, seed: 2));
        var results = h.RunAll();

        Assert.Equal(0, results["i"].NumPreemptions);
        Assert.True(results["b"].NumPreemptions >= 1);
        AssertReference(results, "b", Prompt(1, 4), 1, 16);
        AssertReference(results, "i", Prompt(2, 4), 2, 16);
        Assert.Empty(h.Runner.Violations);
    }

    [Fact]
    public void Reserved_slots_stay_free_of_batch_work_and_take_an_interactive_request_without_preemption()
    {
        var h = new EngineHarness(Options(maxNumSeqs: 3, maxBatchedTokens: 64, prefixCaching: false, reservedInteractive: 1));
        for (var i = 0; i < 5; i++) h.Core.AddRequest(Batch($"b{i}", Prompt(i, 4), 6, seed: i));
        var results = new Dictionary<string, EngineResult>();
        for (var i = 0; i < 2; i++) foreach (var r in h.Core.Step()) results.Add(r.RequestId, r);
        h.Core.AddRequest(Interactive("i", Prompt(9, 4), 6, seed: 9));
        foreach (var r in h.RunAll()) results.Add(r.Key, r.Value);

        var batchPerStep = h.Runner.Steps.Select(s => s.Requests.Count(r => r.RequestId.StartsWith('b'))).ToList();
        Assert.Equal(2, batchPerStep.Max());
        Assert.Contains(h.Runner.Steps, s => s.Requests.Count == 3);
        Assert.Equal(0, h.Core.Scheduler.NumPreemptions);
        Assert.Equal(6, results.Count);
        for (var i = 0; i < 5; i++) AssertReference(results, $"b{i}", Prompt(i, 4), i, 6);
        Assert.Empty(h.Runner.Violations);
    }

    [Fact]
    public void The_scheduler_counts_interactive_sequences_waiting_and_running()
    {
        var h = new EngineHarness(Options(maxNumSeqs: 1, maxBatchedTokens: 64, prefixCaching: false));
        h.Core.AddRequest(Interactive("i1", Prompt(1, 4), 3));
        h.Core.AddRequest(Interactive("i2", Prompt(2, 4), 3));
        h.Core.AddRequest(Batch("b", Prompt(3, 4), 3));
        Assert.Equal((0, 2), (h.Core.Scheduler.NumRunningInteractive, h.Core.Scheduler.NumWaitingInteractive));
        h.Core.Step();
        Assert.Equal((1, 1), (h.Core.Scheduler.NumRunningInteractive, h.Core.Scheduler.NumWaitingInteractive));
        h.Core.AbortRequest("i2");
        Assert.Equal((1, 0), (h.Core.Scheduler.NumRunningInteractive, h.Core.Scheduler.NumWaitingInteractive));
        h.RunAll();
        Assert.Equal((0, 0), (h.Core.Scheduler.NumRunningInteractive, h.Core.Scheduler.NumWaitingInteractive));
    }

    [Fact]
    public void Reserved_slots_must_leave_batch_work_at_least_one()
    {
        var options = new EngineOptions { MaxNumSeqs = 2, ReservedInteractiveSeqs = 2, KvCacheBlocks = 8 };
        var e = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(options.ValidateOrThrow);
        Assert.Contains("ReservedInteractiveSeqs (2) must be below MaxNumSeqs (2)", e.Message);
    }
}
