using InternS1.Batch.Benchmarks.Engine;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Running;

namespace InternS1.Batch.Benchmarks.Tests;

public class EngineBenchmarkTests
{
    [Fact]
    public void The_benchmark_runs_end_to_end_and_its_two_moe_paths_agree()
    {
        var options = new EngineBenchmarkOptions { Dtype = ComputeDtype.Float32, Batch = 2, PromptLength = 8, DecodeSteps = 2, MoeTokens = 16, Repeats = 1, IncludeLarge = false, RooflineSequences = 2 };
        var result = EngineBenchmark.RunOne("tiny", new TinyCheckpointOptions { Seed = 3 }, options);
        Assert.Equal(16, result.PrefillTokens);
        Assert.True(result.PrefillTokensPerSecond > 0 && result.DecodeTokensPerSecond > 0);
        // 2 layers x (K, V) x 2 sequences x one 16-slot block x 2 kv heads x head_dim 32 x 4 bytes
        Assert.Equal(2L * 2 * 2 * 16 * 2 * 32 * 4, result.KvCacheBytes);
        Assert.NotNull(result.Moe);
        Assert.True(result.Moe!.MaxAbsDifference <= 1e-5, $"grouped vs naive differ by {result.Moe.MaxAbsDifference}");
    }
}
