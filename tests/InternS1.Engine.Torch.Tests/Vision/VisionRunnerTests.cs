using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Modeling;
using InternS1.Engine.Torch.Running;
using InternS1.Engine.Torch.Tests.Support;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

/// <summary>Images and video frames through <see cref="TorchModelRunner.Execute"/> with the real vision
/// tower, against a reference that writes the naive vision features over the placeholder rows.</summary>
public class VisionRunnerTests(VisionRunnerFixture fx) : IClassFixture<VisionRunnerFixture>
{
    private const int Img = VisionRunnerFixture.ImageToken, ImgStart = 152955, ImgEnd = 152956;

    /// <summary>Passes calls through to the runner's encoder and records which runs were encoded.</summary>
    private sealed class CountingEncoder(IMultimodalEncoder inner) : IMultimodalEncoder
    {
        public IMultimodalEncoder Inner => inner;

        public List<int> EncodedOffsets { get; } = [];

        public Tensor Encode(MultimodalInput input)
        {
            EncodedOffsets.Add(input.Offset);
            return inner.Encode(input);
        }

        public string? Validate(MultimodalInput input) => inner.Validate(input);
    }

    private CountingEncoder Count()
    {
        var counting = new CountingEncoder(fx.Runner.MultimodalEncoder!);
        fx.Runner.MultimodalEncoder = counting;
        return counting;
    }

    private void Restore(CountingEncoder counting) => fx.Runner.MultimodalEncoder = counting.Inner;

    private static int[] Run(int count) => Enumerable.Repeat(Img, count).ToArray();

    /// <summary>Logits of <paramref name="rows"/> from one uncached forward over <paramref name="prompt"/> whose
    /// embedding rows at each run's offset were replaced by the given (naive) features.</summary>
    private float[][] Reference(int[] prompt, (int Offset, double[] Features)[] runs, params int[] rows)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var model = fx.Runner.Model;
        var text = model.TextConfig;
        var embeds = model.Embed(tensor(prompt.Select(i => (long)i).ToArray()));
        foreach (var (offset, features) in runs)
        {
            var rowsOf = tensor(features, ScalarType.Float64).reshape(-1, text.HiddenSize).to(ScalarType.Float32);
            embeds.narrow(0, offset, rowsOf.shape[0]).copy_(rowsOf);
        }
        const int blockSize = 16;
        using var cache = new PagedKvCache(text.NumHiddenLayers, (prompt.Length + blockSize - 1) / blockSize, blockSize,
            text.KeyValueHeads, text.HeadDim, ScalarType.Float32);
        var batch = new AttentionBatch
        {
            Positions = arange(prompt.Length, ScalarType.Int64), SlotMapping = arange(prompt.Length, ScalarType.Int64),
            Sequences = [new SequenceSlice(0, prompt.Length, 0, null, null)], Cache = cache,
        };
        var hidden = model.Forward(embeds, batch);
        return rows.Select(r => model.ComputeLogits(hidden.narrow(0, r, 1)).squeeze(0).data<float>().ToArray()).ToArray();
    }

    private static float MaxDiff(float[] a, float[] b) => a.Zip(b).Max(p => Math.Abs(p.First - p.Second));

    [Fact]
    public void An_image_split_over_two_prefill_chunks_gives_the_logits_of_its_naive_features()
    {
        // <|im_start|>user\n<img> [3 tiles x 256] </img>\n Hello , x ; the split at 400 cuts the second tile
        const int offset = 4, split = 400;
        int[] prompt = [151644, 872, 198, ImgStart, .. Run(fx.Image.ContextTokens), ImgEnd, 198, 9707, 11, 42];
        Assert.Equal(3, fx.Image.NumTiles);
        var image = fx.ImageInput(offset);
        var counting = Count();
        try
        {
            var driver = new TestDriver(fx.Runner, numBlocks: 64, blockSize: 16);
            var blocks = driver.Allocate(prompt.Length);
            var first = driver.Step(TestDriver.Request("img", prompt[..split], 0, blocks, sample: false) with { MultimodalInputs = [image] }).Outputs[0];
            var last = driver.Step(TestDriver.Request("img", prompt[split..], split, blocks) with { MultimodalInputs = [image] }).Outputs[0];
            Assert.Null(first.Error);
            Assert.Null(last.Error);
            Assert.Equal([offset], counting.EncodedOffsets); // encoded once, kept for the second chunk

            var expected = Reference(prompt, [(offset, fx.ImageFeatures)], split - 1, prompt.Length - 1);
            Assert.True(MaxDiff(expected[0], first.Logits!) <= 1e-4f, $"first chunk: max abs diff {MaxDiff(expected[0], first.Logits!)}");
            Assert.True(MaxDiff(expected[1], last.Logits!) <= 1e-4f, $"last chunk: max abs diff {MaxDiff(expected[1], last.Logits!)}");
            // the features matter: without them (placeholder embeddings as text) the logits differ
            var textOnly = Reference(prompt, [], prompt.Length - 1)[0];
            Assert.True(MaxDiff(textOnly, last.Logits!) > 1e-2f);
        }
        finally
        {
            Restore(counting);
        }
    }

    [Fact]
    public void Two_one_tile_video_frames_fill_their_own_runs_in_a_step_shared_with_a_text_request()
    {
        // "Frame1: <img>[256]</img>\nFrame2: <img>[256]</img>\n What is ?" — the split at 300 cuts frame 2
        int[] frameLabel1 = [4369, 16, 25, 220, ImgStart], frameLabel2 = [ImgEnd, 198, 4369, 17, 25, 220, ImgStart];
        int[] prompt = [151644, 872, 198, .. frameLabel1, .. Run(256), .. frameLabel2, .. Run(256), ImgEnd, 198, 3838, 374, 30];
        const int offset1 = 8, offset2 = 8 + 256 + 7, split = 300;
        Assert.Equal(Img, prompt[offset2]);
        Assert.Equal(ImgEnd, prompt[offset2 + 256]);
        MultimodalInput[] frames = [fx.FrameInput(0, offset1), fx.FrameInput(1, offset2)];
        int[] text = [151644, 872, 198, 9707, 11, 1879, 0];
        var counting = Count();
        try
        {
            var driver = new TestDriver(fx.Runner, numBlocks: 64, blockSize: 16);
            var videoBlocks = driver.Allocate(prompt.Length);
            var textBlocks = driver.Allocate(text.Length + 1);
            var step1 = driver.Step(
                TestDriver.Request("video", prompt[..split], 0, videoBlocks, sample: false) with { MultimodalInputs = frames },
                TestDriver.Request("text", text, 0, textBlocks));
            var step2 = driver.Step(
                TestDriver.Request("video", prompt[split..], split, videoBlocks) with { MultimodalInputs = frames },
                TestDriver.Request("text", [step1.Outputs[1].SampledTokenId!.Value], text.Length, textBlocks, outputIndex: 1));
            Assert.All(step1.Outputs.Concat(step2.Outputs), o => Assert.Null(o.Error));
            Assert.Equal([offset1, offset2], counting.EncodedOffsets);

            var expected = Reference(prompt, [(offset1, fx.FrameFeatures[0]), (offset2, fx.FrameFeatures[1])], split - 1, prompt.Length - 1);
            Assert.True(MaxDiff(expected[0], step1.Outputs[0].Logits!) <= 1e-4f, $"first chunk: {MaxDiff(expected[0], step1.Outputs[0].Logits!)}");
            Assert.True(MaxDiff(expected[1], step2.Outputs[0].Logits!) <= 1e-4f, $"last chunk: {MaxDiff(expected[1], step2.Outputs[0].Logits!)}");
            // swapping the frames changes the answer: each run got its own features, in order
            var swapped = Reference(prompt, [(offset1, fx.FrameFeatures[1]), (offset2, fx.FrameFeatures[0])], prompt.Length - 1)[0];
            Assert.True(MaxDiff(swapped, step2.Outputs[0].Logits!) > 1e-2f);
        }
        finally
        {
            Restore(counting);
        }
    }

    [Fact]
    public void Runs_that_do_not_fit_the_vision_tower_fail_alone_before_any_encoding()
    {
        int[] Prompt(int runLength) => [151644, 872, ImgStart, .. Run(runLength), ImgEnd, 42];
        var counting = Count();
        try
        {
            var driver = new TestDriver(fx.Runner, numBlocks: 128, blockSize: 16);
            var shortRun = fx.FrameInput(0, 3) with { Length = 255 };
            var offText = fx.FrameInput(0, 2);                          // position 2 holds <img>, not <IMG_CONTEXT>
            var fewPixels = fx.FrameInput(0, 3) with { PixelValues = new float[100] };
            var otherTile = fx.FrameInput(0, 3) with { TileSize = 224, PixelValues = new float[3 * 224 * 224] };
            var good = fx.FrameInput(1, 3);
            var output = driver.Step(
                TestDriver.Request("short", Prompt(255), 0, driver.Allocate(261)) with { MultimodalInputs = [shortRun] },
                TestDriver.Request("off", Prompt(256), 0, driver.Allocate(262)) with { MultimodalInputs = [offText] },
                TestDriver.Request("pixels", Prompt(256), 0, driver.Allocate(262)) with { MultimodalInputs = [fewPixels] },
                TestDriver.Request("tile", Prompt(256), 0, driver.Allocate(262)) with { MultimodalInputs = [otherTile] },
                TestDriver.Request("good", Prompt(256), 0, driver.Allocate(262)) with { MultimodalInputs = [good] });

            Assert.Contains("covers 255 placeholder tokens, but its 1 tile(s) give 256", output.Outputs[0].Error);
            Assert.Contains($"prompt position 2 of the video run at 2..257 holds token {ImgStart}, not the image-context id {Img}", output.Outputs[1].Error);
            Assert.Contains("has 100 pixel values, but 1 tile(s) of [3, 448, 448] need 602112", output.Outputs[2].Error);
            Assert.Contains("224-pixel tiles, but vision_config.image_size is 448x448", output.Outputs[3].Error);
            Assert.Null(output.Outputs[4].Error);
            Assert.NotNull(output.Outputs[4].SampledTokenId);
            Assert.Equal([3], counting.EncodedOffsets);
        }
        finally
        {
            Restore(counting);
        }
    }
}
