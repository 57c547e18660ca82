using InternS1.Engine.Requests;
using InternS1.Engine.Tests.Doubles;
using static InternS1.Engine.Tests.Doubles.EngineHarness;

namespace InternS1.Engine.Tests.Scheduling;

public sealed class PrefixCachingTests
{
    private static readonly int[] Instruction = Prompt(7, 16); // 4 full blocks of 4

    private static int[] WithSuffix(int seed, int length) => [.. Instruction, .. Prompt(seed, length)];

    [Fact]
    public void Jobs_sharing_an_instruction_skip_its_blocks_and_give_the_reference_outputs()
    {
        var h = new EngineHarness(Options());
        h.Core.AddRequest(Request("first", WithSuffix(100, 5), seed: 1));
        h.RunAll();
        for (var i = 0; i < 3; i++) h.Core.AddRequest(Request($"job{i}", WithSuffix(200 + i, 3 + i), seed: i));
        var results = h.RunAll();

        for (var i = 0; i < 3; i++)
        {
            var r = results[$"job{i}"];
            Assert.Equal(16, r.NumCachedTokens);
            Assert.Equal(PatternReference.Expected(WithSuffix(200 + i, 3 + i), i, 64), r.OutputTokenIds);
            var first = h.Runner.Steps.SelectMany(s => s.Requests).First(x => x.RequestId == $"job{i}");
            Assert.Equal(16, first.StartPosition);
            Assert.Equal(3 + i, first.TokenIds.Count);
        }
        // The three jobs hit the same four blocks the first job computed.
        var tables = h.Runner.Steps.SelectMany(s => s.Requests).Where(r => r.RequestId.StartsWith("job")).Select(r => r.BlockTable.Take(4).ToArray());
        var firstTable = h.Runner.Steps.SelectMany(s => s.Requests).First(r => r.RequestId == "first").BlockTable.Take(4);
        Assert.All(tables, t => Assert.Equal(firstTable, t));
        Assert.Equal(3 * 16, h.Core.Scheduler.KvCache.HitTokens);
        Assert.Empty(h.Runner.Violations);
    }

    [Fact]
    public void Jobs_submitted_together_compute_their_shared_instruction_once()
    {
        // Budget 32 tokens: without waiting, "a" (16 + 5) and the first 11 tokens of "b" would both
        // compute instruction blocks in the first step.
        var h = new EngineHarness(Options(maxNumSeqs: 8, maxBatchedTokens: 32));
        for (var i = 0; i < 4; i++) h.Core.AddRequest(Request($"j{i}", WithSuffix(300 + i, 5), seed: i));
        Assert.Empty(h.Core.Step());
        Assert.Equal(3, h.Core.Scheduler.DeferredForPrefix);
        var results = h.RunAll();
        Assert.Equal(0, h.Core.Scheduler.DeferredForPrefix);

        Assert.Equal(0, results["j0"].NumCachedTokens);
        for (var i = 1; i < 4; i++) Assert.Equal(16, results[$"j{i}"].NumCachedTokens);
        for (var i = 0; i < 4; i++) Assert.Equal(PatternReference.Expected(WithSuffix(300 + i, 5), i, 64), results[$"j{i}"].OutputTokenIds);
        // prompt tokens sent to the runner: the instruction once, every suffix once
        var prefill = h.Runner.Steps.SelectMany(s => s.Requests).Sum(r => Math.Max(0, Math.Min(r.StartPosition + r.TokenIds.Count, 21) - r.StartPosition));
        Assert.Equal(16 + 4 * 5, prefill);
        // the others joined in the step after the instruction was computed
        var firstStep = h.Runner.Steps[0].Requests.Select(r => r.RequestId).ToArray();
        Assert.Equal(["j0"], firstStep);
        Assert.Empty(h.Runner.Violations);
    }

    [Fact]
    public void A_job_waits_only_for_blocks_being_computed_not_for_a_different_prefix()
    {
        var h = new EngineHarness(Options(maxNumSeqs: 8, maxBatchedTokens: 64));
        h.Core.AddRequest(Request("shared", WithSuffix(1, 5)));
        h.Core.AddRequest(Request("other", Prompt(99, 21)));
        h.RunAll();

        var firstStep = h.Runner.Steps[0].Requests.Select(r => r.RequestId).Order().ToArray();
        Assert.Equal(["other", "shared"], firstStep);
    }

    [Fact]
    public void Prefix_caching_off_computes_everything_and_gives_the_same_outputs()
    {
        var on = new EngineHarness(Options(prefixCaching: true));
        var off = new EngineHarness(Options(prefixCaching: false));
        foreach (var h in new[] { on, off })
        {
            h.Core.AddRequest(Request("warm", WithSuffix(1, 2)));
            h.RunAll();
            h.Core.AddRequest(Request("x", WithSuffix(2, 6), seed: 5));
        }
        var a = on.RunAll()["x"];
        var b = off.RunAll()["x"];

        Assert.Equal(16, a.NumCachedTokens);
        Assert.Equal(0, b.NumCachedTokens);
        Assert.Equal(b.OutputTokenIds, a.OutputTokenIds);
        Assert.Equal(PatternReference.Expected(WithSuffix(2, 6), 5, 64), a.OutputTokenIds);
    }

    [Fact]
    public void Salted_requests_share_blocks_only_with_the_same_salt()
    {
        var h = new EngineHarness(Options());
        h.Core.AddRequest(Request("a", WithSuffix(1, 2), salt: "dataset-a"));
        h.RunAll();
        h.Core.AddRequest(Request("b", WithSuffix(2, 2), salt: "dataset-b"));
        h.Core.AddRequest(Request("a2", WithSuffix(3, 2), salt: "dataset-a"));
        var results = h.RunAll();

        Assert.Equal(0, results["b"].NumCachedTokens);
        Assert.Equal(16, results["a2"].NumCachedTokens);
    }

    [Fact]
    public void Eviction_under_pressure_keeps_outputs_identical()
    {
        // 12 blocks of 4: each job needs up to 8 blocks, so cached blocks are evicted again and again.
        var h = new EngineHarness(Options(maxNumSeqs: 2, maxBatchedTokens: 16, blocks: 12));
        var prompts = Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? WithSuffix(i, 4 + i) : Prompt(50 + i, 10 + i)).ToArray();
        for (var i = 0; i < prompts.Length; i++) h.Core.AddRequest(Request($"j{i}", prompts[i], seed: i));
        var results = h.RunAll();

        for (var i = 0; i < prompts.Length; i++)
            Assert.Equal(PatternReference.Expected(prompts[i], i, 64), results[$"j{i}"].OutputTokenIds);
        Assert.Empty(h.Runner.Violations);
        Assert.Contains(results.Values, r => r.NumCachedTokens > 0);
    }

    [Fact]
    public void Media_content_is_part_of_the_block_hash()
    {
        // Same placeholder ids, different pixels: the blocks covering the image must not be shared.
        var h = new EngineHarness(Options());
        int[] prompt = [5, 6, 7, 8, 9, 9, 9, 9, 9, 9, 9, 9, 10, 11];
        MultimodalInput Img(string hash) => new()
        {
            Kind = MediaKind.Image, ContentHash = hash, Offset = 4, Length = 8, NumTiles = 1, PixelValues = ReadOnlyMemory<float>.Empty,
        };
        h.Core.AddRequest(Request("cat", prompt, media: [Img("cat")]));
        h.RunAll();
        h.Core.AddRequest(Request("dog", prompt, media: [Img("dog")]));
        h.Core.AddRequest(Request("cat2", prompt, media: [Img("cat")]));
        var results = h.RunAll();

        Assert.Equal(4, results["dog"].NumCachedTokens); // only the text block before the image
        Assert.Equal(12, results["cat2"].NumCachedTokens);
    }
}
