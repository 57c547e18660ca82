using InternS1.Engine.Requests;
using InternS1.Engine.Tests.Doubles;
using static InternS1.Engine.Tests.Doubles.EngineHarness;

namespace InternS1.Engine.Tests.Scheduling;

public sealed class FaultTests
{
    [Fact]
    public void A_runner_exception_fails_only_that_steps_requests()
    {
        var h = new EngineHarness(Options());
        h.Runner.ThrowOn = s => s.StepId == 1;
        h.Core.AddRequest(Request("a", Prompt(1, 5), maxNewTokens: 20, ignoreEos: true));
        h.Core.AddRequest(Request("b", Prompt(2, 5), maxNewTokens: 20, ignoreEos: true));
        h.Core.Step();
        var failed = h.Core.Step();
        h.Core.AddRequest(Request("c", Prompt(3, 5), seed: 3));
        var rest = h.RunAll();

        Assert.Equal(["a", "b"], failed.Select(r => r.RequestId).Order());
        Assert.All(failed, r =>
        {
            Assert.Equal(FinishReason.Error, r.FinishReason);
            Assert.Contains("simulated device failure in step 1", r.Error);
            Assert.Single(r.OutputTokenIds);
        });
        Assert.Equal(PatternReference.Expected(Prompt(3, 5), 3, 64), rest["c"].OutputTokenIds);
        Assert.Equal(0, h.Core.Scheduler.KvCache.Pool.NumUsedBlocks);
    }

    [Fact]
    public void A_per_request_error_ends_that_request_only()
    {
        var h = new EngineHarness(Options());
        h.Runner.ErrorFor = r => r.RequestId == "bad" && r.OutputIndex == 2 ? "vision input 0 could not be encoded" : null;
        h.Core.AddRequest(Request("bad", Prompt(1, 5), maxNewTokens: 20, ignoreEos: true));
        h.Core.AddRequest(Request("good", Prompt(2, 5), seed: 2));
        var results = h.RunAll();

        Assert.Equal(FinishReason.Error, results["bad"].FinishReason);
        Assert.Equal("vision input 0 could not be encoded", results["bad"].Error);
        Assert.Equal(2, results["bad"].OutputTokenIds.Count);
        Assert.Equal(PatternReference.Expected(Prompt(2, 5), 2, 64), results["good"].OutputTokenIds);
    }
}
