using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Running;
using InternS1.Engine.Torch.Tests.Support;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests;

public class TorchModelRunnerTests : IClassFixture<TinyModelFixture>
{
    private static readonly int[] Prompt = [151644, 872, 198, 9707, 11, 1879, 0, 153215, 152957, 42, 7, 99];
    private readonly TinyModelFixture _fx;

    public TorchModelRunnerTests(TinyModelFixture fx) => _fx = fx;

    private static float MaxAbsDiff(float[] actual, Tensor expectedRow)
    {
        using var a = tensor(actual, ScalarType.Float64);
        using var d = (a - expectedRow).abs().max();
        return (float)d.item<double>();
    }

    [Fact]
    public void Cached_step_by_step_decoding_matches_an_independent_full_forward()
    {
        var reference = new NaiveQwen3Reference(_fx.Directory).Logits(Prompt); // [12, V] float64
        var driver = new TestDriver(_fx.Runner);
        var blocks = driver.Allocate(Prompt.Length);
        // prefill 3 tokens, then a chunk of 4 after cached tokens (masked path), then one token per step
        var diffs = new List<(int Position, float Diff)>();
        var o = driver.Step(TestDriver.Request("a", Prompt[..3], 0, blocks));
        diffs.Add((2, MaxAbsDiff(o.Outputs[0].Logits!, reference[2])));
        o = driver.Step(TestDriver.Request("a", Prompt[3..7], 3, blocks));
        diffs.Add((6, MaxAbsDiff(o.Outputs[0].Logits!, reference[6])));
        for (var p = 7; p < Prompt.Length; p++)
        {
            o = driver.Step(TestDriver.Request("a", [Prompt[p]], p, blocks));
            Assert.Null(o.Outputs[0].Error);
            diffs.Add((p, MaxAbsDiff(o.Outputs[0].Logits!, reference[p])));
        }
        Assert.All(diffs, d => Assert.True(d.Diff <= 1e-4f, $"position {d.Position}: max abs diff {d.Diff}"));
    }

    [Fact]
    public void A_batch_of_different_lengths_gives_each_sequence_the_logits_it_gets_alone()
    {
        int[][] seqs = [Prompt[..7], Prompt[2..5], Prompt];
        var alone = new List<float[]>();
        foreach (var s in seqs)
        {
            var d = new TestDriver(_fx.Runner);
            var b = d.Allocate(s.Length + 1);
            var first = d.Step(TestDriver.Request("x", s, 0, b)).Outputs[0];
            var next = d.Step(TestDriver.Request("x", [first.SampledTokenId!.Value], s.Length, b, outputIndex: 1)).Outputs[0];
            alone.Add(first.Logits!);
            alone.Add(next.Logits!);
        }

        var driver = new TestDriver(_fx.Runner);
        var tables = seqs.Select(s => driver.Allocate(s.Length + 1)).ToArray();
        var step1 = driver.Step(seqs.Select((s, i) => TestDriver.Request($"r{i}", s, 0, tables[i])).ToArray());
        var step2 = driver.Step(seqs.Select((s, i) =>
            TestDriver.Request($"r{i}", [step1.Outputs[i].SampledTokenId!.Value], s.Length, tables[i], outputIndex: 1)).ToArray());

        for (var i = 0; i < seqs.Length; i++)
        {
            using var e1 = tensor(alone[2 * i], ScalarType.Float64);
            using var e2 = tensor(alone[2 * i + 1], ScalarType.Float64);
            Assert.True(MaxAbsDiff(step1.Outputs[i].Logits!, e1) <= 1e-5f, $"sequence {i} prefill");
            Assert.True(MaxAbsDiff(step2.Outputs[i].Logits!, e2) <= 1e-5f, $"sequence {i} decode");
        }
    }

    [Fact]
    public void Greedy_generation_is_deterministic_and_picks_the_argmax()
    {
        List<int> Generate()
        {
            var driver = new TestDriver(_fx.Runner);
            var blocks = driver.Allocate(Prompt.Length + 6);
            var o = driver.Step(TestDriver.Request("g", Prompt, 0, blocks)).Outputs[0];
            var tokens = new List<int>();
            for (var i = 0; i < 6; i++)
            {
                var argmax = Array.IndexOf(o.Logits!, o.Logits!.Max());
                Assert.Equal(argmax, o.SampledTokenId);
                tokens.Add(o.SampledTokenId!.Value);
                o = driver.Step(TestDriver.Request("g", [tokens[^1]], Prompt.Length + i, blocks, outputIndex: i + 1)).Outputs[0];
            }
            return tokens;
        }

        Assert.Equal(Generate(), Generate());
    }

    [Fact]
    public void Seeded_sampling_is_reproducible_and_independent_of_batch_neighbours()
    {
        var sampling = new SamplingParams { Temperature = 1.0f, TopK = 0, TopP = 1.0f, Seed = 1234 };
        List<int> Generate(long seed, int neighbours)
        {
            var driver = new TestDriver(_fx.Runner, numBlocks: 96);
            var mine = driver.Allocate(Prompt.Length + 5);
            var others = Enumerable.Range(0, neighbours).Select(_ => driver.Allocate(Prompt.Length + 5)).ToArray();
            var tokens = new List<int>();
            for (var i = 0; i < 5; i++)
            {
                var requests = new List<InternS1.Engine.Execution.ScheduledRequest>();
                for (var n = 0; n < neighbours; n++)
                    requests.Add(i == 0
                        ? TestDriver.Request($"n{n}", Prompt[n..], 0, others[n], sampling: sampling with { Seed = 99 + n })
                        : TestDriver.Request($"n{n}", [5 + n], Prompt.Length - n + i - 1, others[n], sampling: sampling with { Seed = 99 + n }, outputIndex: i));
                var me = i == 0
                    ? TestDriver.Request("me", Prompt, 0, mine, sampling: sampling with { Seed = seed })
                    : TestDriver.Request("me", [tokens[^1]], Prompt.Length + i - 1, mine, sampling: sampling with { Seed = seed }, outputIndex: i);
                requests.Insert(Math.Min(1, requests.Count), me); // in the middle of the batch when there are neighbours
                var output = driver.Step(requests.ToArray());
                tokens.Add(output.Outputs.Single(r => r.RequestId == "me").SampledTokenId!.Value);
            }
            return tokens;
        }

        var alone = Generate(1234, 0);
        Assert.Equal(alone, Generate(1234, 0));
        Assert.Equal(alone, Generate(1234, 3));
        Assert.NotEqual(alone, Generate(4321, 0));
    }

    [Fact]
    public void A_preempted_request_recomputed_from_its_tokens_samples_the_same_continuation()
    {
        var sampling = new SamplingParams { Temperature = 0.9f, TopK = 40, TopP = 0.95f, Seed = 77 };
        var driver = new TestDriver(_fx.Runner);
        var blocks = driver.Allocate(Prompt.Length + 6);
        var tokens = new List<int> { driver.Step(TestDriver.Request("p", Prompt, 0, blocks, sampling: sampling)).Outputs[0].SampledTokenId!.Value };
        for (var i = 1; i < 6; i++)
            tokens.Add(driver.Step(TestDriver.Request("p", [tokens[^1]], Prompt.Length + i - 1, blocks, sampling: sampling, outputIndex: i)).Outputs[0].SampledTokenId!.Value);

        // preempted after 2 output tokens: its blocks are gone; prompt + outputs are recomputed in new blocks
        var again = new TestDriver(_fx.Runner);
        var fresh = again.Allocate(Prompt.Length + 6);
        var resumed = tokens.Take(2).ToList();
        var known = Prompt.Concat(resumed).ToArray();
        again.Step(TestDriver.Request("p", known[..5], 0, fresh, sample: false, sampling: sampling)); // a first prefill chunk
        resumed.Add(again.Step(TestDriver.Request("p", known[5..], 5, fresh, sampling: sampling, outputIndex: 2)).Outputs[0].SampledTokenId!.Value);
        for (var i = 3; i < 6; i++)
            resumed.Add(again.Step(TestDriver.Request("p", [resumed[^1]], Prompt.Length + i - 1, fresh, sampling: sampling, outputIndex: i)).Outputs[0].SampledTokenId!.Value);
        Assert.Equal(tokens, resumed);
    }

    [Fact]
    public void A_request_with_images_fails_alone_with_a_vision_tower_error()
    {
        using var textOnly = TorchModelRunner.Load(_fx.Directory, new TorchRunnerOptions { Dtype = ComputeDtype.Float32, LoadVision = false });
        var driver = new TestDriver(textOnly);
        var image = new MultimodalInput
        {
            Kind = MediaKind.Image, ContentHash = "h", Offset = 2, Length = 4, NumTiles = 1, TileSize = 448,
            PixelValues = new float[3 * 448 * 448],
        };
        var withImage = TestDriver.Request("img", [1, 2, 152957, 152957, 152957, 152957, 3], 0, driver.Allocate(7)) with { MultimodalInputs = [image] };
        var plain = TestDriver.Request("txt", Prompt, 0, driver.Allocate(Prompt.Length));
        var output = driver.Step(withImage, plain);
        Assert.Null(output.Outputs[0].SampledTokenId);
        Assert.Contains("vision tower is not loaded (the runner was loaded with LoadVision = false", output.Outputs[0].Error);
        Assert.Null(output.Outputs[1].Error);
        Assert.NotNull(output.Outputs[1].SampledTokenId);
    }

    [Fact]
    public void A_short_block_table_is_a_per_request_error()
    {
        var driver = new TestDriver(_fx.Runner);
        var shortTable = TestDriver.Request("short", Prompt, 0, driver.Allocate(4));
        var fine = TestDriver.Request("fine", [1, 2, 3], 0, driver.Allocate(3));
        var output = driver.Step(shortTable, fine);
        Assert.Contains("does not cover 12 positions", output.Outputs[0].Error);
        Assert.Null(output.Outputs[1].Error);
        Assert.NotNull(output.Outputs[1].SampledTokenId);
    }

    [Fact]
    public void Info_describes_the_tiny_checkpoint()
    {
        var info = _fx.Runner.Info;
        Assert.Equal(153216, info.VocabSize);
        Assert.Equal([151645], info.EosTokenIds);
        Assert.Equal(40960, info.MaxModelLength);
        Assert.Equal(2, info.NumLayers);
        Assert.Equal(2, info.NumKvHeads);
        Assert.Equal(32, info.HeadDim);
        Assert.Equal(4, info.KvElementBytes);
        Assert.Equal(2L * 2 * 2 * 32 * 4, info.KvBytesPerToken);
        Assert.Equal(256, info.TokensPerTile);
        Assert.Equal(152957, info.ImageTokenId);
        Assert.Equal(0.7f, info.RecommendedSampling.Temperature);
        Assert.Equal(50, info.RecommendedSampling.TopK);
        Assert.Equal(1.0f, info.RecommendedSampling.TopP);
        Assert.Equal(0f, info.RecommendedSampling.MinP);
    }
}
