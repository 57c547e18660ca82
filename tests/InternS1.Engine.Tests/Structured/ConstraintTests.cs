using System.Text.Json;
using InternS1.Engine.Core;
using InternS1.Engine.Requests;
using InternS1.Engine.Tests.Doubles;
using static InternS1.Engine.Tests.Doubles.EngineHarness;

namespace InternS1.Engine.Tests.Structured;

/// <summary>
/// Constrained decoding in the engine, on the pattern runner with a byte vocabulary: which rows get token masks, what
/// the masks allow in each phase (reasoning, forced <c>&lt;/think&gt;</c>, value, end), that the matcher follows the
/// sampled tokens (also across preemption), and that a runner ignoring masks fails the request loudly. Expectations
/// are hand-derived from the schema or come from <see cref="PatternReference"/> for unconstrained requests.
/// </summary>
public sealed class ConstraintTests
{
    private const string YesNo = """{"enum":["yes","no"]}""";
    private const string Pair = """{"type":"object","properties":{"a":{"type":"integer","minimum":0,"maximum":99},"b":{"enum":["x","yz"]}},"required":["a","b"],"additionalProperties":false}""";

    private static (EngineCore Core, MaskingRunner Runner) Engine(int blocks = 64, int maxNumSeqs = 8, int maxBatchedTokens = 32)
    {
        var runner = new MaskingRunner(new PatternRunner());
        var core = new EngineCore(runner, new TestDecoder(), Options(maxNumSeqs, maxBatchedTokens, blocks: blocks));
        return (core, runner);
    }

    private static EngineRequest Constrained(string id, string schema, int seed, int maxNewTokens = 64, int? thinkBudget = null, bool thinking = false, int promptLength = 6) =>
        Request(id, Prompt(seed, promptLength), maxNewTokens, seed: seed) with
        {
            Constraint = new OutputConstraint
            {
                Grammar = ByteVocabulary.Grammar(schema),
                ReasoningEndTokenId = thinking ? ByteVocabulary.ThinkEnd : null,
                MaxReasoningTokens = thinkBudget,
            },
        };

    private static Dictionary<string, EngineResult> Run(EngineCore core, params EngineRequest[] requests) =>
        core.RunToCompletion(requests).ToDictionary(r => r.RequestId);

    [Fact]
    public void Only_the_sampled_rows_of_constrained_requests_get_masks_and_free_requests_follow_their_pattern()
    {
        var (core, runner) = Engine(maxBatchedTokens: 8);
        var free = Request("free", Prompt(1, 11), maxNewTokens: 6, seed: 3);
        var results = Run(core, free, Constrained("c", Pair, seed: 2, promptLength: 11));

        Assert.Equal(PatternReference.Expected(free.PromptTokenIds, 3, 6), results["free"].OutputTokenIds);
        var steps = runner.Inner.Steps;
        Assert.All(steps.SelectMany(s => s.Requests).Where(r => r.RequestId == "free"), r => Assert.Null(r.TokenMask));
        // the 11-token prompt is prefilled in chunks: only the chunk that samples carries a mask
        var constrained = steps.SelectMany(s => s.Requests).Where(r => r.RequestId == "c").ToArray();
        Assert.Contains(constrained, r => !r.Sample);
        Assert.All(constrained, r => Assert.Equal(r.Sample, r.TokenMask is not null));
        Assert.Equal(results["c"].OutputTokenIds.Count, runner.Masks.Keys.Count(k => k.RequestId == "c"));
    }

    [Fact]
    public void Without_constrained_requests_no_mask_is_made()
    {
        var (core, runner) = Engine();
        Run(core, Request("a", Prompt(4, 5)), Request("b", Prompt(5, 9)));
        Assert.All(runner.Inner.Steps.SelectMany(s => s.Requests), r => Assert.Null(r.TokenMask));
        Assert.Empty(runner.Masks);
        Assert.Equal(0, core.LastStepMaskedSequences);
        Assert.Equal(TimeSpan.Zero, core.LastStepMaskTime);
    }

    [Fact]
    public void A_constrained_request_writes_a_value_of_its_schema_and_ends_on_the_end_token()
    {
        var (core, runner) = Engine();
        var results = Run(core, Enumerable.Range(0, 12).Select(i => Constrained($"v{i}", Pair, seed: 20 + i)).ToArray());
        foreach (var r in results.Values)
        {
            Assert.Equal(FinishReason.Stop, r.FinishReason);
            Assert.Equal(PatternRunner.Eos, r.OutputTokenIds[^1]);
            var text = ByteVocabulary.Text(r.OutputTokenIds);
            using var doc = JsonDocument.Parse(text);
            Assert.InRange(doc.RootElement.GetProperty("a").GetInt32(), 0, 99);
            Assert.Contains(doc.RootElement.GetProperty("b").GetString(), new[] { "x", "yz" });
            Assert.Equal(2, doc.RootElement.EnumerateObject().Count());
            // the first mask allows exactly the opening brace (compact whitespace)
            Assert.Equal([100 + '{'], runner.Masks[(r.RequestId, 0)]);
            // once the object closed, only the end id
            Assert.Equal([PatternRunner.Eos], runner.Masks[(r.RequestId, r.OutputTokenIds.Count - 1)]);
        }
        Assert.True(results.Values.Select(r => ByteVocabulary.Text(r.OutputTokenIds)).Distinct().Count() > 1, "every request wrote the same value");
    }

    [Fact]
    public void With_thinking_the_reasoning_is_free_but_cannot_end_the_turn_and_the_budget_forces_the_end_tag()
    {
        var (core, runner) = Engine();
        var results = Run(core, Enumerable.Range(0, 6).Select(i => Constrained($"t{i}", YesNo, seed: 40 + i, thinking: true, thinkBudget: 4)).ToArray());
        foreach (var r in results.Values)
        {
            var end = r.OutputTokenIds.ToList().IndexOf(ByteVocabulary.ThinkEnd);
            Assert.InRange(end, 0, 3);
            for (var k = 0; k < end; k++)
            {
                var allowed = runner.Masks[(r.RequestId, k)];
                Assert.Equal(PatternRunner.Vocab - 1, allowed.Length);
                Assert.DoesNotContain(PatternRunner.Eos, allowed);
            }
            if (end == 3) Assert.Equal([ByteVocabulary.ThinkEnd], runner.Masks[(r.RequestId, 3)]);
            Assert.Contains(ByteVocabulary.Text(r.OutputTokenIds.Skip(end + 1)), new[] { "\"yes\"", "\"no\"" });
            Assert.Equal(FinishReason.Stop, r.FinishReason);
        }
        Assert.Contains(results.Values, r => r.OutputTokenIds[3] == ByteVocabulary.ThinkEnd);
    }

    [Fact]
    public void A_reasoning_budget_without_a_grammar_forces_the_end_tag_and_leaves_the_answer_free()
    {
        var (core, runner) = Engine();
        var request = Request("budget", Prompt(9, 5), maxNewTokens: 8, seed: 9, ignoreEos: true) with
        {
            Constraint = new OutputConstraint { ReasoningEndTokenId = ByteVocabulary.ThinkEnd, MaxReasoningTokens = 2 },
        };
        var r = Run(core, request)["budget"];

        var end = r.OutputTokenIds.ToList().IndexOf(ByteVocabulary.ThinkEnd);
        Assert.InRange(end, 0, 1);
        if (end == 1) Assert.Equal([ByteVocabulary.ThinkEnd], runner.Masks[("budget", 1)]);
        Assert.Equal(Enumerable.Range(0, end + 1), runner.Masks.Keys.Where(k => k.RequestId == "budget").Select(k => k.OutputIndex).Order());
        Assert.Equal(8, r.OutputTokenIds.Count);
    }

    [Fact]
    public void A_runner_that_ignores_the_mask_ends_the_request_with_an_error_naming_the_token()
    {
        var (core, runner) = Engine();
        runner.IgnoreMasks = true;
        var r = Run(core, Constrained("bad", Pair, seed: 5), Request("ok", Prompt(6, 4), seed: 6));
        Assert.Equal(FinishReason.Error, r["bad"].FinishReason);
        Assert.Contains($"sampled token {r["bad"].OutputTokenIds[0]}", r["bad"].Error);
        Assert.Contains("did not allow", r["bad"].Error);
        Assert.Single(r["bad"].OutputTokenIds);
        Assert.Equal(FinishReason.Stop, r["ok"].FinishReason);
    }

    [Fact]
    public void Preemption_by_recompute_keeps_each_matcher_where_its_tokens_are()
    {
        // 10 blocks of 4 slots for 4 requests of 6 + up to ~20 tokens: the latest ones are preempted and recomputed
        var requests = Enumerable.Range(0, 4).Select(i => Constrained($"p{i}", Pair, seed: 60 + i)).ToArray();
        var (roomy, _) = Engine();
        var expected = Run(roomy, requests);
        var (tight, _) = Engine(blocks: 10, maxNumSeqs: 4);
        var results = Run(tight, requests);

        Assert.True(tight.Scheduler.NumPreemptions > 0, "nothing was preempted");
        Assert.Contains(results.Values, r => r.NumPreemptions > 0);
        foreach (var (id, r) in results)
        {
            Assert.Equal(FinishReason.Stop, r.FinishReason);
            Assert.Equal(expected[id].OutputTokenIds, r.OutputTokenIds);
        }
    }

    [Fact]
    public void Many_constrained_requests_in_one_step_get_their_own_masks()
    {
        // 16 requests sample in the same steps (masks are filled in parallel from 8 on)
        var (core, runner) = Engine(maxNumSeqs: 16, maxBatchedTokens: 256);
        var results = Run(core, Enumerable.Range(0, 16).Select(i => Constrained($"m{i}", Pair, seed: 80 + i)).ToArray());
        Assert.Contains(runner.Inner.Steps, s => s.Requests.Count(r => r.TokenMask is not null) == 16);
        foreach (var r in results.Values)
        {
            Assert.Equal(FinishReason.Stop, r.FinishReason);
            // each mask allowed the token that followed (the picks are per request, so masks did not mix)
            for (var k = 0; k < r.OutputTokenIds.Count; k++)
                Assert.Contains(r.OutputTokenIds[k], runner.Masks[(r.RequestId, k)]);
        }
    }
}
