using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Running;
using InternS1.Engine.Torch.Tests.Support;

namespace InternS1.Engine.Torch.Tests;

public class BFloat16Tests
{
    [Fact]
    public void Bfloat16_compute_stays_close_to_the_independent_float64_reference()
    {
        using var dir = new TempDir();
        TinyCheckpointWriter.Write(dir.Path, new TinyCheckpointOptions { Seed = 21 });
        int[] prompt = [151644, 872, 198, 9707, 11, 1879, 0, 42];
        var reference = new NaiveQwen3Reference(dir.Path).Logits(prompt);
        using var runner = TorchModelRunner.Load(dir.Path, new TorchRunnerOptions { Dtype = ComputeDtype.BFloat16 });
        Assert.Equal(2, runner.Info.KvElementBytes);
        var driver = new TestDriver(runner);
        var blocks = driver.Allocate(prompt.Length);
        var prefill = driver.Step(TestDriver.Request("b", prompt[..6], 0, blocks)).Outputs[0];
        var decode = driver.Step(TestDriver.Request("b", [prompt[6]], 6, blocks)).Outputs[0];
        foreach (var (logits, position) in new[] { (prefill.Logits!, 5), (decode.Logits!, 6) })
        {
            var expected = reference[position].data<double>().ToArray();
            var maxDiff = expected.Zip(logits).Max(p => Math.Abs(p.First - p.Second));
            var scale = expected.Max(Math.Abs);
            Assert.True(maxDiff <= 0.05 * scale, $"position {position}: max abs diff {maxDiff} vs logit scale {scale}");
        }
    }

    [Fact]
    public void Bfloat16_batched_decode_of_unequal_contexts_stays_close_to_the_independent_float64_reference()
    {
        // Two sequences of different lengths decode in one step: the grouped path (keys padded to the longer context,
        // the padding masked) attends in bfloat16.
        using var dir = new TempDir();
        TinyCheckpointWriter.Write(dir.Path, new TinyCheckpointOptions { Seed = 22 });
        int[][] prompts = [[151644, 872, 198, 9707, 11, 1879, 0, 42, 311, 5021], [151644, 872, 198, 3838]];
        var naive = new NaiveQwen3Reference(dir.Path);
        using var runner = TorchModelRunner.Load(dir.Path, new TorchRunnerOptions { Dtype = ComputeDtype.BFloat16 });
        var driver = new TestDriver(runner);
        var blocks = prompts.Select(p => driver.Allocate(p.Length)).ToArray();
        driver.Step(TestDriver.Request("long", prompts[0][..^1], 0, blocks[0]), TestDriver.Request("short", prompts[1][..^1], 0, blocks[1]));
        var decode = driver.Step(TestDriver.Request("long", [prompts[0][^1]], prompts[0].Length - 1, blocks[0]),
            TestDriver.Request("short", [prompts[1][^1]], prompts[1].Length - 1, blocks[1])).Outputs;
        for (var s = 0; s < 2; s++)
        {
            var expected = naive.Logits(prompts[s])[prompts[s].Length - 1].data<double>().ToArray();
            var logits = decode.Single(o => o.RequestId == (s == 0 ? "long" : "short")).Logits!;
            var maxDiff = expected.Zip(logits).Max(p => Math.Abs(p.First - p.Second));
            var scale = expected.Max(Math.Abs);
            Assert.True(maxDiff <= 0.05 * scale, $"sequence {s}: max abs diff {maxDiff} vs logit scale {scale}");
        }
    }
}
