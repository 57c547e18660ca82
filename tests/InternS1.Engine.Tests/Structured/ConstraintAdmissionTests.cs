using System.Diagnostics.Metrics;
using InternS1.Engine.Core;
using InternS1.Engine.Requests;
using InternS1.Engine.Tests.Doubles;
using static InternS1.Engine.Tests.Doubles.EngineHarness;

namespace InternS1.Engine.Tests.Structured;

/// <summary>Constraints are checked at admission like every other field, and their per-step cost is measured.</summary>
public sealed class ConstraintAdmissionTests
{
    private static readonly EngineCore Core = new(new PatternRunner(), new TestDecoder(), Options());

    private static RequestRejectedException Reject(OutputConstraint constraint, bool ignoreEos = false, IReadOnlyList<int>? stop = null)
    {
        var request = Request("r", Prompt(1, 4), ignoreEos: ignoreEos);
        request = request with { Constraint = constraint, Sampling = request.Sampling with { StopTokenIds = stop ?? request.Sampling.StopTokenIds } };
        return Assert.Throws<RequestRejectedException>(() => Core.AddRequest(request));
    }

    [Fact]
    public void A_grammar_whose_end_id_does_not_stop_the_request_is_refused()
    {
        var e = Reject(new OutputConstraint { Grammar = ByteVocabulary.Grammar("""{"type":"boolean"}""") }, stop: [2]);
        Assert.Equal(RejectionReason.InvalidField, e.Reason);
        Assert.Contains("end ids 1 are not stop tokens", e.Message);
    }

    [Fact]
    public void A_reasoning_budget_needs_a_reasoning_end_id_and_at_least_one_token()
    {
        Assert.Contains("without a ReasoningEndTokenId", Reject(new OutputConstraint { MaxReasoningTokens = 3 }).Message);
        Assert.Contains("MaxReasoningTokens (0) must be >= 1", Reject(new OutputConstraint { ReasoningEndTokenId = 7, MaxReasoningTokens = 0 }).Message);
        Assert.Contains("outside the vocabulary", Reject(new OutputConstraint { ReasoningEndTokenId = 5000 }).Message);
    }

    [Fact]
    public void Mask_time_and_masked_sequences_are_recorded_for_steps_with_masks_only()
    {
        using var metrics = new EngineMetrics();
        var runner = new MaskingRunner(new PatternRunner());
        var core = new EngineCore(runner, new TestDecoder(), Options(), metrics: metrics);
        var times = new List<double>();
        long masked = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == EngineMetrics.MeterName && i.Name.StartsWith("interns1.engine.structured.")) l.EnableMeasurementEvents(i);
        };
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => times.Add(v));
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => { if (i.Name == "interns1.engine.structured.masked_sequences") masked += v; });
        listener.Start();

        var constrained = Request("c", Prompt(2, 5), seed: 2) with
        {
            Constraint = new OutputConstraint { Grammar = ByteVocabulary.Grammar("""{"enum":["on","off"]}""") },
        };
        var results = core.RunToCompletion([constrained, Request("free", Prompt(3, 5), maxNewTokens: 30, ignoreEos: true)]);

        var tokens = results[0].OutputTokenIds.Count;
        Assert.Equal(tokens, masked);
        Assert.Equal(tokens, runner.Masks.Count);
        Assert.Equal(tokens, times.Count);
        Assert.All(times, t => Assert.True(t >= 0));
        Assert.Equal(0, core.LastStepMaskedSequences);
    }
}
