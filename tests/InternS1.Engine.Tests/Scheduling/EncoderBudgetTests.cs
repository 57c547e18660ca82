using InternS1.Engine.Requests;
using InternS1.Engine.Tests.Doubles;
using static InternS1.Engine.Tests.Doubles.EngineHarness;

namespace InternS1.Engine.Tests.Scheduling;

public sealed class EncoderBudgetTests
{
    private static MultimodalInput Image(string hash, int offset, int length, int tiles) => new()
    {
        Kind = MediaKind.Image, ContentHash = hash, Offset = offset, Length = length, NumTiles = tiles, PixelValues = ReadOnlyMemory<float>.Empty,
    };

    [Fact]
    public void A_chunk_stops_before_the_image_that_would_pass_the_encoder_budget()
    {
        var h = new EngineHarness(Options(maxBatchedTokens: 64, encoderTiles: 4));
        var prompt = Enumerable.Range(0, 40).Select(i => 2 + i).ToArray();
        MultimodalInput[] media = [Image("a", 4, 8, 3), Image("b", 14, 8, 3), Image("c", 24, 8, 2)];
        h.Core.AddRequest(Request("text", Prompt(9, 3), maxNewTokens: 8, ignoreEos: true));
        h.Core.AddRequest(Request("img", prompt, media: media, seed: 4));
        var results = h.RunAll();

        // Tiles: a (3) fits; a + b = 6 > 4 -> stop at b (14); b (3); b + c = 5 > 4 -> stop at c (24); then c.
        var chunks = h.Runner.Steps.SelectMany(s => s.Requests).Where(r => r.RequestId == "img" && r.StartPosition < 40)
            .Select(r => (r.StartPosition, r.TokenIds.Count, Media: string.Join(",", r.MultimodalInputs.Select(m => m.ContentHash)))).ToList();
        Assert.Equal([(0, 14, "a"), (14, 10, "b"), (24, 16, "c")], chunks);
        // The text job decoded in every one of those steps: images did not stall it.
        Assert.All(h.Runner.Steps.Take(3), s => Assert.Contains(s.Requests, r => r.RequestId == "text"));
        Assert.Equal(PatternReference.Expected(prompt, 4, 64), results["img"].OutputTokenIds);
        Assert.Empty(h.Runner.Violations);
    }

    [Fact]
    public void An_image_larger_than_the_whole_budget_runs_alone_in_its_step()
    {
        var h = new EngineHarness(Options(maxBatchedTokens: 64, encoderTiles: 2));
        var prompt = Enumerable.Range(0, 20).Select(i => 2 + i).ToArray();
        h.Core.AddRequest(Request("small", prompt, media: [Image("s", 2, 4, 1)], seed: 1));
        h.Core.AddRequest(Request("huge", prompt, media: [Image("h", 2, 12, 5)], seed: 2));
        var results = h.RunAll();

        var first = h.Runner.Steps[0].Requests;
        Assert.Equal("small", Assert.Single(first, r => r.MultimodalInputs.Count > 0).RequestId);
        var hugeStep = h.Runner.Steps.First(s => s.Requests.Any(r => r.RequestId == "huge" && r.MultimodalInputs.Count > 0));
        Assert.Single(hugeStep.Requests, r => r.MultimodalInputs.Count > 0);
        Assert.Equal(PatternReference.Expected(prompt, 2, 64), results["huge"].OutputTokenIds);
    }
}
