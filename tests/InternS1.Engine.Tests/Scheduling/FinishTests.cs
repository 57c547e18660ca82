using InternS1.Engine.Requests;
using InternS1.Engine.Tests.Doubles;
using static InternS1.Engine.Tests.Doubles.EngineHarness;

namespace InternS1.Engine.Tests.Scheduling;

public sealed class FinishTests
{
    [Fact]
    public void A_deadline_ends_a_running_job_with_deadline_and_frees_its_blocks()
    {
        var time = new ManualTime();
        var h = new EngineHarness(Options(maxNumSeqs: 2), time);
        h.Core.AddRequest(Request("late", Prompt(1, 6), maxNewTokens: 50, ignoreEos: true, deadline: time.GetUtcNow() + TimeSpan.FromSeconds(10)));
        h.Core.AddRequest(Request("free", Prompt(2, 6), maxNewTokens: 50, seed: 2));
        for (var i = 0; i < 3; i++) Assert.Empty(h.Core.Step());
        time.Advance(TimeSpan.FromSeconds(11));

        var ended = h.Core.Step();
        var late = Assert.Single(ended);
        Assert.Equal(FinishReason.Deadline, late.FinishReason);
        Assert.Equal(PatternReference.Expected(Prompt(1, 6), 0, 3, stopAtEos: false), late.OutputTokenIds);
        Assert.DoesNotContain(h.Runner.Steps[^1].Requests, r => r.RequestId == "late");
        Assert.Contains("late", h.Runner.Steps[^1].FinishedRequestIds);
        Assert.DoesNotContain("late", h.Core.Scheduler.KvCache.BlockTables().Keys);

        var rest = h.RunAll();
        Assert.Equal(PatternReference.Expected(Prompt(2, 6), 2, 50), rest["free"].OutputTokenIds);
    }

    [Fact]
    public void A_waiting_job_past_its_deadline_ends_without_output()
    {
        var time = new ManualTime();
        var h = new EngineHarness(Options(maxNumSeqs: 1), time);
        h.Core.AddRequest(Request("running", Prompt(1, 4), maxNewTokens: 30, ignoreEos: true));
        h.Core.AddRequest(Request("queued", Prompt(2, 4), deadline: time.GetUtcNow() + TimeSpan.FromSeconds(1)));
        h.Core.Step();
        time.Advance(TimeSpan.FromSeconds(2));

        var queued = Assert.Single(h.Core.Step());
        Assert.Equal(FinishReason.Deadline, queued.FinishReason);
        Assert.Empty(queued.OutputTokenIds);
        Assert.Equal(TimeSpan.FromSeconds(2), queued.QueueTime);
        Assert.DoesNotContain(h.Runner.Steps, s => s.Requests.Any(r => r.RequestId == "queued"));
    }

    [Fact]
    public void A_stop_string_ends_the_job_and_the_text_is_cut_before_it()
    {
        // A prompt whose pattern gives at least 6 tokens before EOS.
        var seed = Enumerable.Range(0, 100).First(s => PatternReference.TargetLength(Prompt(s, 5), 0) >= 6);
        var prompt = Prompt(seed, 5);
        var expected = PatternReference.Expected(prompt, 0, 64);
        // The stop string spans the end of token 2 and the start of token 3: "<a><b" -> "2><b".
        var stop = TestDecoder.Text(expected[2])[1..] + TestDecoder.Text(expected[3])[..2];

        var h = new EngineHarness(Options());
        h.Core.AddRequest(Request("s", prompt, stopStrings: ["never", stop]));
        var r = h.RunAll()["s"];

        Assert.Equal(FinishReason.Stop, r.FinishReason);
        Assert.Equal(stop, r.StopString);
        Assert.Equal(expected.Take(4), r.OutputTokenIds);
        Assert.Equal(TestDecoder.Text(expected[0]) + TestDecoder.Text(expected[1]) + "<", r.OutputText);
    }

    [Fact]
    public void A_stop_string_ends_the_job_in_the_step_that_completes_it_and_frees_its_blocks()
    {
        var seed = Enumerable.Range(0, 100).First(s => PatternReference.TargetLength(Prompt(s, 5), 0) >= 4);
        var prompt = Prompt(seed, 5);
        var expected = PatternReference.Expected(prompt, 0, 64);
        var h = new EngineHarness(Options());
        h.Core.AddRequest(Request("s", prompt, stopStrings: [TestDecoder.Text(expected[1])]));

        Assert.Empty(h.Core.Step()); // the prompt and output token 0
        var ended = Assert.Single(h.Core.Step()); // token 1 completes the stop string

        Assert.Equal((FinishReason.Stop, 2), (ended.FinishReason, ended.OutputTokenIds.Count));
        Assert.Equal(TestDecoder.Text(expected[0]), ended.OutputText);
        Assert.Equal(0, h.Core.Scheduler.KvCache.Pool.NumUsedBlocks);
        Assert.False(h.Core.HasUnfinishedRequests);
        h.Core.AddRequest(Request("s", prompt)); // the id is free again
    }

    [Fact]
    public void The_eos_token_is_counted_but_not_in_the_text()
    {
        var h = new EngineHarness(Options());
        h.Core.AddRequest(Request("e", Prompt(3, 5)));
        var r = h.RunAll()["e"];
        var expected = PatternReference.Expected(Prompt(3, 5), 0, 64);

        Assert.Equal(FinishReason.Stop, r.FinishReason);
        Assert.Null(r.StopString);
        Assert.Equal(PatternRunner.Eos, r.OutputTokenIds[^1]);
        Assert.Equal(string.Concat(expected.SkipLast(1).Select(TestDecoder.Text)), r.OutputText);
    }

    [Fact]
    public void Ignore_eos_generates_through_the_stop_token_until_max_new_tokens()
    {
        var h = new EngineHarness(Options());
        h.Core.AddRequest(Request("i", Prompt(3, 5), maxNewTokens: 15, ignoreEos: true));
        var r = h.RunAll()["i"];

        Assert.Equal(FinishReason.Length, r.FinishReason);
        Assert.Equal(15, r.OutputTokenIds.Count);
        Assert.Contains(PatternRunner.Eos, r.OutputTokenIds);
    }

    [Fact]
    public void Aborting_a_job_frees_its_blocks_and_tells_the_runner()
    {
        var h = new EngineHarness(Options());
        h.Core.AddRequest(Request("a", Prompt(1, 9), maxNewTokens: 50, ignoreEos: true));
        h.Core.AddRequest(Request("b", Prompt(2, 9), maxNewTokens: 50, ignoreEos: true));
        h.Core.Step();
        h.Core.Step();
        var usedBoth = h.Core.Scheduler.KvCache.Pool.NumUsedBlocks;

        var aborted = h.Core.AbortRequest("a");
        Assert.NotNull(aborted);
        Assert.Equal(FinishReason.Aborted, aborted.FinishReason);
        Assert.Equal(2, aborted.OutputTokenIds.Count);
        Assert.Equal(usedBoth - 3, h.Core.Scheduler.KvCache.Pool.NumUsedBlocks); // a held ceil(11 / 4) = 3 blocks
        Assert.Null(h.Core.AbortRequest("a"));

        h.Core.Step();
        Assert.Equal(["a"], h.Runner.Steps[^1].FinishedRequestIds);
        h.Core.AbortRequest("b");
        Assert.Equal(0, h.Core.Scheduler.KvCache.Pool.NumUsedBlocks);
        Assert.False(h.Core.HasUnfinishedRequests);
    }
}
