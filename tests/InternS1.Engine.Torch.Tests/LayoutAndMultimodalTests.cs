using System.Text.Json.Nodes;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Modeling;
using InternS1.Engine.Torch.Running;
using InternS1.Engine.Torch.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests;

public class LayoutAndMultimodalTests
{
    private static readonly int[] Prompt = [151644, 872, 152957, 152957, 152957, 152957, 198, 9707, 11, 42];

    [Fact]
    public void The_same_weights_under_plain_qwen3_names_give_the_same_logits()
    {
        using var s1 = new TempDir();
        using var plain = new TempDir();
        TinyCheckpointWriter.Write(s1.Path, new TinyCheckpointOptions { Dense = true, Seed = 4 });
        // plain Qwen3 folder: text_config at the top level, model.language_model.* -> model.*, no vision tensors, one file
        var text = JsonNode.Parse(File.ReadAllText(Path.Combine(s1.Path, "config.json")))!["text_config"]!.DeepClone();
        File.WriteAllText(plain.File("config.json"), text.ToJsonString());
        var entries = TestSafetensors.ReadFolder(s1.Path)
            .Where(e => e.Key.StartsWith("model.language_model.") || e.Key == "lm_head.weight")
            .Select(e => new SafetensorsEntry(e.Key.Replace("model.language_model.", "model."), SafetensorsDtype.BF16, e.Value.Shape, () => e.Value.Data))
            .ToList();
        SafetensorsWriter.WriteFile(plain.File("model.safetensors"), entries);

        float[] LastLogits(string dir)
        {
            using var runner = TorchModelRunner.Load(dir, new TorchRunnerOptions { Dtype = ComputeDtype.Float32 });
            Assert.Equal(dir == plain.Path ? typeof(Qwen3ForCausalLM) : typeof(InternS1ForConditionalGeneration), runner.Model.GetType());
            var driver = new TestDriver(runner);
            return driver.Step(TestDriver.Request("a", Prompt, 0, driver.Allocate(Prompt.Length))).Outputs[0].Logits!;
        }
        Assert.Equal(LastLogits(s1.Path), LastLogits(plain.Path));
    }

    /// <summary>Stands in for the vision step: fixed feature rows per run.</summary>
    private sealed class FixedEncoder(Tensor features) : IMultimodalEncoder
    {
        public int Calls { get; private set; }

        public Tensor Encode(MultimodalInput input)
        {
            Calls++;
            return features.clone();
        }
    }

    [Fact]
    public void Media_features_replace_the_placeholder_rows_even_when_the_run_is_split_over_chunks()
    {
        using var dir = new TempDir();
        TinyCheckpointWriter.Write(dir.Path, new TinyCheckpointOptions { Dense = true, Seed = 6 });
        using var runner = TorchModelRunner.Load(dir.Path, new TorchRunnerOptions { Dtype = ComputeDtype.Float32 });
        using var g = new Generator(3);
        using var features = randn(4, 64, generator: g);
        var encoder = new FixedEncoder(features);
        runner.MultimodalEncoder = encoder;
        var image = new MultimodalInput { Kind = MediaKind.Image, ContentHash = "x", Offset = 2, Length = 4, NumTiles = 1, PixelValues = new float[3 * 448 * 448] };

        // chunks [0, 4) and [4, 10): the run at positions 2..5 is split 2 + 2
        var driver = new TestDriver(runner);
        var blocks = driver.Allocate(Prompt.Length);
        var first = driver.Step(TestDriver.Request("m", Prompt[..4], 0, blocks, sample: false, returnLogits: false) with { MultimodalInputs = [image] });
        Assert.Null(first.Outputs[0].Error);
        var last = driver.Step(TestDriver.Request("m", Prompt[4..], 4, blocks) with { MultimodalInputs = [image] }).Outputs[0];
        Assert.Null(last.Error);
        Assert.Equal(1, encoder.Calls);

        // reference: embeddings with rows 2..5 overwritten, one forward over the whole prompt
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var cache = new PagedKvCache(2, 4, 4, 2, 32, ScalarType.Float32);
        var embeds = runner.Model.Embed(tensor(Prompt.Select(i => (long)i).ToArray()));
        embeds.narrow(0, 2, 4).copy_(features);
        var batch = new AttentionBatch
        {
            Positions = arange(Prompt.Length, ScalarType.Int64), SlotMapping = arange(Prompt.Length, ScalarType.Int64),
            Sequences = [new SequenceSlice(0, Prompt.Length, 0, null, null)], Cache = cache,
        };
        var hidden = runner.Model.Forward(embeds, batch);
        var expected = runner.Model.ComputeLogits(hidden.narrow(0, Prompt.Length - 1, 1)).squeeze(0).data<float>().ToArray();
        for (var i = 0; i < expected.Length; i += 97) Assert.Equal(expected[i], last.Logits![i], 1e-4);
        // and differs from the text-only logits
        runner.MultimodalEncoder = null;
        var plainDriver = new TestDriver(runner);
        var textOnly = plainDriver.Step(TestDriver.Request("t", Prompt, 0, plainDriver.Allocate(Prompt.Length))).Outputs[0].Logits!;
        Assert.True(expected.Zip(textOnly).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
    }
}
