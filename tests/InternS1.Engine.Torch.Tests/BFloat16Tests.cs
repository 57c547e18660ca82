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
}
