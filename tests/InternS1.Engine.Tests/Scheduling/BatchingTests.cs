using InternS1.Engine.Requests;
using InternS1.Engine.Tests.Doubles;
using static InternS1.Engine.Tests.Doubles.EngineHarness;

namespace InternS1.Engine.Tests.Scheduling;

/// <summary>Continuous batching on the pattern runner: outputs are compared with
/// <see cref="PatternReference.Expected"/> (plain lists, no scheduler) and with each job run alone.</summary>
public sealed class BatchingTests
{
    private static readonly int[] PromptLengths = [3, 7, 12, 25, 5, 18, 30, 9];
    private static readonly int[] MaxTokens = [64, 3, 64, 5, 64, 2, 64, 4];

    private static EngineRequest Job(int i) => Request($"job{i}", Prompt(i, PromptLengths[i]), MaxTokens[i], seed: i);

    private static FinishReason ExpectedReason(IReadOnlyList<int> output) => output[^1] == PatternRunner.Eos ? FinishReason.Stop : FinishReason.Length;

    [Fact]
    public void Jobs_run_together_give_the_same_outputs_as_each_alone_and_as_the_reference()
    {
        var together = new EngineHarness(Options(maxNumSeqs: 4, maxBatchedTokens: 16));
        var results = new Dictionary<string, EngineResult>();
        for (var i = 0; i < 4; i++) together.Core.AddRequest(Job(i));
        var next = 4;
        for (var step = 0; together.Core.HasUnfinishedRequests || next < PromptLengths.Length; step++)
        {
            // Later jobs arrive one per step while earlier ones decode.
            if (step >= 3 && next < PromptLengths.Length) together.Core.AddRequest(Job(next++));
            foreach (var r in together.Core.Step()) results.Add(r.RequestId, r);
        }

        for (var i = 0; i < PromptLengths.Length; i++)
        {
            var expected = PatternReference.Expected(Prompt(i, PromptLengths[i]), i, MaxTokens[i]);
            var alone = new EngineHarness(Options(maxNumSeqs: 1, maxBatchedTokens: 64));
            alone.Core.AddRequest(Job(i));
            var aloneResult = alone.RunAll()[$"job{i}"];

            Assert.Equal(expected, results[$"job{i}"].OutputTokenIds);
            Assert.Equal(expected, aloneResult.OutputTokenIds);
            Assert.Equal(ExpectedReason(expected), results[$"job{i}"].FinishReason);
            Assert.Equal(PromptLengths[i], results[$"job{i}"].NumPromptTokens);
            Assert.Empty(alone.Runner.Violations);
        }
        Assert.Empty(together.Runner.Violations);
        // The run really batched: a step mixed decodes with a prefill chunk, and a prompt was chunked.
        Assert.Contains(together.Runner.Steps, s => s.Requests.Any(r => r.TokenIds.Count == 1 && r.StartPosition > 0) && s.Requests.Any(r => r.TokenIds.Count > 1));
        Assert.Contains(together.Runner.Steps, s => s.Requests.Any(r => !r.Sample));
        Assert.Contains(together.Runner.Steps, s => s.Requests.Count == 4);
    }

    [Fact]
    public void Decodes_are_scheduled_before_prefill_chunks_when_the_token_budget_is_short()
    {
        var h = new EngineHarness(Options(maxNumSeqs: 8, maxBatchedTokens: 8));
        for (var i = 0; i < 3; i++) h.Core.AddRequest(Request($"d{i}", Prompt(10 + i, 2), 64, ignoreEos: true));
        h.Core.Step(); // the three 2-token prompts (6 tokens) + nothing else
        h.Core.AddRequest(Request("long", Prompt(99, 40), 4));
        h.Core.Step();

        var step = h.Runner.Steps[^1];
        Assert.Equal(["d0", "d1", "d2", "long"], step.Requests.Select(r => r.RequestId));
        Assert.Equal([1, 1, 1, 5], step.Requests.Select(r => r.TokenIds.Count));
        Assert.Equal(8, step.TotalScheduledTokens);
        Assert.Empty(h.Runner.Violations);
    }

    [Fact]
    public void Admission_goes_by_priority_then_arrival()
    {
        var h = new EngineHarness(Options(maxNumSeqs: 1, maxBatchedTokens: 64));
        h.Core.AddRequest(Request("low", Prompt(1, 5), 3, priority: 0));
        h.Core.AddRequest(Request("mid", Prompt(2, 5), 3, priority: 1));
        h.Core.AddRequest(Request("high", Prompt(3, 5), 3, priority: 2));
        h.Core.AddRequest(Request("high-later", Prompt(4, 5), 3, priority: 2));
        h.RunAll();

        var firstSeen = h.Runner.Steps.SelectMany(s => s.Requests.Select(r => r.RequestId)).Distinct();
        Assert.Equal(["high", "high-later", "mid", "low"], firstSeen);
        Assert.All(h.Runner.Steps, s => Assert.Single(s.Requests));
    }

    [Fact]
    public void A_prompt_past_the_kv_budget_or_the_model_context_is_rejected_before_the_model()
    {
        var h = new EngineHarness(Options(blocks: 4, blockSize: 4), maxModelLength: 12); // 16 KV slots, context 12
        h.Core.AddRequest(Request("fits", Prompt(1, 11), 1));

        var ex = Assert.Throws<RequestRejectedException>(() => h.Core.AddRequest(Request("long", Prompt(2, 12), 1)));
        Assert.Equal(RejectionReason.PromptTooLong, ex.Reason);
        Assert.Contains("'long'", ex.Message);
        Assert.Contains("12 tokens", ex.Message);
        Assert.Contains("at most 11", ex.Message);

        var big = new EngineHarness(Options(blocks: 4, blockSize: 4), maxModelLength: 1000);
        var ex2 = Assert.Throws<RequestRejectedException>(() => big.Core.AddRequest(Request("huge", Prompt(3, 16), 1)));
        Assert.Equal(RejectionReason.PromptTooLong, ex2.Reason);
        Assert.Contains("KV cache holds 16", ex2.Message);
        big.Core.AddRequest(Request("edge", Prompt(3, 15), 5));

        Assert.Empty(big.Runner.Steps);
        var results = big.RunAll();
        Assert.Equal(FinishReason.Length, results["edge"].FinishReason); // the pool holds one generated token
        Assert.Single(results["edge"].OutputTokenIds);
    }

    [Fact]
    public void Bad_request_fields_are_rejected_with_the_field_named()
    {
        var h = new EngineHarness(Options());
        var badToken = Assert.Throws<RequestRejectedException>(() => h.Core.AddRequest(Request("t", [5, 1000, 7])));
        Assert.Equal(RejectionReason.InvalidField, badToken.Reason);
        Assert.Contains("PromptTokenIds[1] = 1000", badToken.Message);

        var badMax = Assert.Throws<RequestRejectedException>(() => h.Core.AddRequest(Request("m", [5, 6], maxNewTokens: 0)));
        Assert.Equal(RejectionReason.InvalidSampling, badMax.Reason);
        Assert.Contains("MaxNewTokens", badMax.Message);

        h.Core.AddRequest(Request("dup", [5, 6]));
        Assert.Equal(RejectionReason.InvalidField, Assert.Throws<RequestRejectedException>(() => h.Core.AddRequest(Request("dup", [5, 6]))).Reason);
    }
}
