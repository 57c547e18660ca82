using System.Text.RegularExpressions;
using InternS1.Engine.Core;
using InternS1.Engine.Tests.Doubles;
using Microsoft.Extensions.Logging;
using static InternS1.Engine.Tests.Doubles.EngineHarness;

namespace InternS1.Engine.Tests.Core;

/// <summary>The per-step Debug line of <see cref="EngineCore"/>: the timeline of a run from the logs.</summary>
public sealed partial class EngineStepLogTests
{
    [GeneratedRegex(@"^Engine step (\d+): (\d+) sequences, (\d+) decodes \+ (\d+) prefill tokens, (\d+) waiting, (\d+) finished, [\d.]+ ms$")]
    private static partial Regex StepLine();

    [Fact]
    public void At_Debug_every_step_logs_its_sequences_decodes_prefill_tokens_waiting_and_finished_requests()
    {
        var logger = new ListLogger<EngineCore>(LogLevel.Debug);
        // A budget of 8 tokens per step: a 6-token prompt and a 5-token one cannot both prefill in the first step.
        var core = new EngineCore(new PatternRunner(), new TestDecoder(), Options(maxBatchedTokens: 8), logger);

        core.RunToCompletion([Request("a", Prompt(1, 6), maxNewTokens: 2), Request("b", Prompt(2, 5), maxNewTokens: 2)]);

        var steps = logger.Messages.Where(m => m.Level == LogLevel.Debug).Select(m => StepLine().Match(m.Message)).ToList();
        Assert.All(steps, m => Assert.True(m.Success));
        var fields = steps.Select(m => Enumerable.Range(1, 6).Select(i => int.Parse(m.Groups[i].Value)).ToArray()).ToList();
        // step 0: a's 6 prompt tokens + the first 2 of b's (b waits for nothing: it runs, chunked);
        // step 1: a decodes, b's last 3 prompt tokens (b samples its first token); a has its 2 tokens and ends;
        // step 2: b decodes and ends.
        Assert.Equal([0, 2, 0, 8, 0, 0], fields[0]);
        Assert.Equal([1, 2, 1, 3, 0, 1], fields[1]);
        Assert.Equal([2, 1, 1, 0, 0, 1], fields[2]);
        Assert.Equal(3, fields.Count);
    }

    [Fact]
    public void Above_Debug_no_step_is_logged()
    {
        var logger = new ListLogger<EngineCore>(LogLevel.Information);
        var core = new EngineCore(new PatternRunner(), new TestDecoder(), Options(), logger);

        core.RunToCompletion([Request("a", Prompt(1, 6), maxNewTokens: 2)]);

        Assert.DoesNotContain(logger.Messages, m => m.Message.StartsWith("Engine step", StringComparison.Ordinal));
    }
}
