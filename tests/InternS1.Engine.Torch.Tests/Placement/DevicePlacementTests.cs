using InternS1.Engine.Configuration;
using InternS1.Engine.Core;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Running;
using InternS1.Engine.Torch.Tests.Integration;
using InternS1.Engine.Torch.Tests.Support;
using InternS1.Engine.Torch.Tests.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Placement;

/// <summary>
/// Every tensor the runner creates lives on its device. Only one real device exists here (the CPU), so the check
/// runs the model on the CPU with torch's default device set to <c>meta</c>: a tensor created anywhere without the
/// runner's device lands on meta, and meta tensors cannot meet CPU tensors in an op, have no kernels for most ops
/// (index_select, attention) and no data to copy to the host — so any such tensor on the path of a step fails it.
/// The engine runs whole jobs (chunked prefill of an image prompt, a text prompt, batched decodes, seeded sampling
/// with top-k/top-p/min-p and greedy) and must give exactly the tokens of the same jobs run with the CPU default.
/// </summary>
[Collection(nameof(DefaultDeviceCollection))]
public sealed class DevicePlacementTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void A_runner_on_the_cpu_creates_no_tensor_on_the_default_device_through_prefill_decode_images_and_sampling()
    {
        TinyCheckpointWriter.Write(_dir.Path, new TinyCheckpointOptions { Seed = 31 });
        var reference = RunJobs(defaultDevice: CPU);

        var detector = get_default_device();
        set_default_device(META);
        try
        {
            // the detector is armed: a tensor made without a device is a meta tensor, which a CPU op refuses
            using (var stray = torch.zeros(2))
            {
                Assert.Equal(DeviceType.META, stray.device_type);
                Assert.ThrowsAny<Exception>(() => (torch.ones(new long[] { 2 }, device: CPU) + stray).Dispose());
            }
            var placed = RunJobs(defaultDevice: META);
            Assert.Equal(reference.Keys.Order(), placed.Keys.Order());
            foreach (var (id, tokens) in reference)
                Assert.True(tokens.SequenceEqual(placed[id]), $"{id}: [{string.Join(", ", tokens)}] on the CPU default, [{string.Join(", ", placed[id])}] with meta");
        }
        finally
        {
            set_default_device(detector);
        }
    }

    /// <summary>Loads the runner with <c>Device = cpu</c> and runs the jobs to the end; returns each job's output ids.</summary>
    private Dictionary<string, int[]> RunJobs(Device defaultDevice)
    {
        using var runner = TorchModelRunner.Load(_dir.Path, new TorchRunnerOptions { Dtype = ComputeDtype.Float32, Device = "cpu" });
        Assert.Equal("cpu", runner.Device.Name);
        Assert.All(runner.Model.Root.parameters(), p => Assert.Equal(DeviceType.CPU, p.device_type));
        Assert.Equal(DeviceType.CPU == defaultDevice.type ? DeviceType.CPU : DeviceType.META, torch.zeros(1).device_type);

        var image = VisionTestCheckpoint.Normal(new Random(3), VisionRunnerFixture.TileFloats);
        // <|im_start|>user\n<img> [256 x IMG_CONTEXT] </img>\n + text: 264 tokens, prefilled in chunks of 96
        int[] imagePrompt = [151644, 872, 198, 152955, .. Enumerable.Repeat(VisionRunnerFixture.ImageToken, 256), 152956, 198, 9707, 11];
        var jobs = new[]
        {
            new EngineRequest
            {
                RequestId = "image", PromptTokenIds = imagePrompt,
                MultimodalInputs = [new MultimodalInput { Kind = MediaKind.Image, ContentHash = "noise", Offset = 4, Length = 256, NumTiles = 1, PixelValues = image }],
                Sampling = new SamplingParams { Temperature = 0.8f, TopK = 20, TopP = 0.9f, MinP = 0.01f, Seed = 7, MaxNewTokens = 4, IgnoreEos = true },
            },
            EngineScenario.Job("greedy", EngineScenario.Prompt(40, seed: 1), maxNewTokens: 5),
            EngineScenario.Job("sampled", EngineScenario.Prompt(130, seed: 2), maxNewTokens: 3, temperature: 0.7f, seed: 11),
        };
        var options = new EngineOptions { MaxNumSeqs = 4, MaxNumBatchedTokens = 96, BlockSize = 16, KvCacheBlocks = 64, EnablePrefixCaching = false };
        var scenario = new EngineScenario(runner, options);
        var results = scenario.RunAll(jobs);
        // the paths of a step: a prompt chunked after cached context, several decodes attended together
        Assert.True(scenario.Recorder.ChunkedAPrompt());
        Assert.Contains(scenario.Recorder.Steps, s => s.Requests.Count(r => r.TokenIds.Count == 1 && r.OutputIndex > 0) >= 2);
        Assert.All(results.Values, r => Assert.Null(r.Error));
        Assert.All(results.Values, r => Assert.Equal(FinishReason.Length, r.FinishReason));
        return results.ToDictionary(r => r.Key, r => r.Value.OutputTokenIds.ToArray());
    }

    public void Dispose() => _dir.Dispose();
}
