using InternS1.Engine.Configuration;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Tests.Support;

namespace InternS1.Engine.Torch.Tests.Integration;

/// <summary>
/// The engine (scheduler, paged KV cache) over the real TorchSharp runner on a tiny float32
/// checkpoint: jobs run together must produce what each produces alone, where "alone" is
/// <see cref="AloneReference"/> (full recomputation per token, no scheduler or paging).
/// </summary>
public class ContinuousBatchingTests(TinyModelFixture fx) : IClassFixture<TinyModelFixture>
{
    private const float LogitTolerance = 1e-4f;

    // prompt lengths, output lengths and arrival steps differ; later jobs arrive while earlier ones decode
    private static readonly (int PromptLength, int MaxNewTokens, int ArrivalStep)[] Shapes =
        [(3, 5, 0), (9, 12, 0), (17, 3, 0), (30, 8, 2), (6, 10, 4), (41, 6, 7)];

    private static EngineOptions Options(int kvBlocks = 64) => new()
    {
        MaxNumSeqs = 4, MaxNumBatchedTokens = 24, BlockSize = 4, KvCacheBlocks = kvBlocks,
    };

    private static (int Step, EngineRequest Job)[] Arrivals(float temperature) => Shapes
        .Select((s, i) => (s.ArrivalStep, EngineScenario.Job($"job{i}", EngineScenario.Prompt(s.PromptLength, 100 + i), s.MaxNewTokens, temperature, seed: 1000 + i)))
        .ToArray();

    [Fact]
    public void Greedy_jobs_run_together_match_each_job_run_alone()
    {
        var arrivals = Arrivals(temperature: 0);
        var expected = AloneReference.ForAll(fx.Runner, arrivals.Select(a => a.Job));

        var scenario = new EngineScenario(fx.Runner, Options());
        var results = scenario.Run(arrivals);

        Assert.Empty(scenario.Recorder.Violations);
        Assert.True(scenario.Recorder.JoinedWhileDecoding(), "no job was prefilled in a step that also decoded another job");
        Assert.True(scenario.Recorder.ChunkedAPrompt(), "no prompt was split over steps");
        Assert.Equal(4, scenario.Recorder.MaxSequencesInAStep());
        foreach (var (_, job) in arrivals)
        {
            var result = results[job.RequestId];
            Assert.Equal(FinishReason.Length, result.FinishReason);
            Assert.Equal(expected[job.RequestId].Tokens, result.OutputTokenIds);
            for (var i = 0; i < result.OutputTokenIds.Count; i++)
                AssertClose(expected[job.RequestId].Logits[i], scenario.Recorder.Logits[(job.RequestId, i)], $"{job.RequestId} output {i}");
        }
    }

    [Fact]
    public void Seeded_sampling_at_temperature_0_7_is_the_same_alone_and_batched()
    {
        var arrivals = Arrivals(temperature: 0.7f);
        var expected = AloneReference.ForAll(fx.Runner, arrivals.Select(a => a.Job));

        var scenario = new EngineScenario(fx.Runner, Options());
        var results = scenario.Run(arrivals);

        Assert.Empty(scenario.Recorder.Violations);
        foreach (var (_, job) in arrivals)
            Assert.Equal(expected[job.RequestId].Tokens, results[job.RequestId].OutputTokenIds);
        // sampling really happened: some token differs from the greedy choice of its own logits
        Assert.Contains(arrivals, a => expected[a.Job.RequestId].Tokens
            .Where((t, i) => t != Array.IndexOf(expected[a.Job.RequestId].Logits[i], expected[a.Job.RequestId].Logits[i].Max())).Any());
    }

    [Fact]
    public void Preemption_under_a_tiny_kv_budget_finishes_every_job_with_the_same_outputs()
    {
        // 12 blocks x 4 = 48 token slots; each job needs 4-5 blocks, so 3 prompts fit but their growth does not.
        // Job 0 is greedy, the others sample (the latest running job is the one preempted).
        var jobs = Enumerable.Range(0, 4)
            .Select(i => EngineScenario.Job($"p{i}", EngineScenario.Prompt(10 + i, 200 + i), 8, temperature: i == 0 ? 0 : 0.7f, seed: 50 + i))
            .ToArray();
        var expected = AloneReference.ForAll(fx.Runner, jobs);

        var options = Options(kvBlocks: 12);
        options.EnablePrefixCaching = false;
        var scenario = new EngineScenario(fx.Runner, options);
        var results = scenario.RunAll(jobs);

        Assert.Empty(scenario.Recorder.Violations);
        // a sampled job was preempted after it had produced outputs: its recomputation must redraw the same tokens
        Assert.Contains(jobs, j => j.Sampling.Temperature > 0 && results[j.RequestId].NumPreemptions > 0);
        foreach (var job in jobs)
        {
            Assert.Equal(FinishReason.Length, results[job.RequestId].FinishReason);
            Assert.Equal(expected[job.RequestId].Tokens, results[job.RequestId].OutputTokenIds);
        }
    }

    internal static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0f;
        for (var i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        Assert.True(worst <= LogitTolerance, $"{what}: logits differ by up to {worst}");
    }
}
