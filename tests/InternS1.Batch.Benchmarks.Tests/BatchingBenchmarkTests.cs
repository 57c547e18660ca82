using System.Text.Json;
using InternS1.Batch.Benchmarks.Batching;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Running;
using InternS1.Text.Assets;
using InternS1.Text.Tokenization;

namespace InternS1.Batch.Benchmarks.Tests;

/// <summary><c>bench batching</c> end to end at toy sizes: the counts it reports follow from the
/// workload (checked by hand), and the report carries the issue's keys. Timings are not asserted.</summary>
public sealed class BatchingBenchmarkTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("interns1-bench-test-").FullName;

    private static readonly BatchingBenchmarkOptions Toy = new()
    {
        // NOTE: one thread, as before the benchmark's default became all processors: the suite runs assemblies side by side.
        Dtype = ComputeDtype.BFloat16, Threads = 1, Repeats = 1, KeepFreedMemory = false, IncludeLarge = false, MaxNumBatchedTokens = 48,
        ConcurrentJobs = 4, SequentialJobs = 2, PromptMinTokens = 5, PromptMaxTokens = 9, OutputTokens = 3,
        MixedJobs = 6, StaticBatchSize = 3, MixedOutputMinTokens = 2, MixedOutputMaxTokens = 6,
        PrefixJobs = 5, InstructionTokens = 40, SuffixMinTokens = 3, SuffixMaxTokens = 6, PrefixOutputTokens = 2,
        KvProbeTensorBytes = 1 << 20,
    };

    [Fact]
    public void The_benchmark_counts_what_its_workloads_imply_and_reports_the_issue_keys()
    {
        TinyTokenizerAssets.Write(Qwen3TokenizerDir(), _temp);
        var tokenizer = InternS1Tokenizer.Load(_temp);

        var m = BatchingBenchmark.RunOne("toy", new TinyCheckpointOptions { Seed = 5 }, Toy with { WorkDirectory = _temp }, tokenizer);

        // 4 jobs x 3 outputs: the first output of a job comes from its prefill, the other two are decodes
        Assert.Equal(2, m.Sequential.Baseline.Jobs);
        Assert.Equal(4 * 3, m.Sequential.Continuous.UsefulOutputTokens);
        Assert.Equal(4 * 2, m.Sequential.Continuous.DecodeTokens);
        Assert.Equal(2 * 2, m.Sequential.Baseline.DecodeOnlyTokens);
        Assert.Equal(1.0, m.Sequential.Baseline.MeanBatchSize);
        // static batches keep every row until the batch's longest job ends: never fewer decodes than continuous
        Assert.Equal(m.Static.Continuous.UsefulOutputTokens, m.Static.Baseline.UsefulOutputTokens);
        Assert.Equal(m.Static.Continuous.DecodeTokens, m.StaticEarlyExit.Baseline.DecodeTokens);
        Assert.True(m.Static.Baseline.DecodeTokens >= m.Static.Continuous.DecodeTokens);
        // every prompt token is computed or served from the cache; the cache serves whole 16-token blocks
        Assert.Equal(0, m.Prefix.Off.CachedPromptTokens);
        Assert.Equal(m.Prefix.Off.PrefillTokens, m.Prefix.On.PrefillTokens + m.Prefix.On.CachedPromptTokens);
        Assert.True(m.Prefix.On.CachedPromptTokens > 0);
        Assert.Equal(0, m.Prefix.On.CachedPromptTokens % 16);
        // 2 (K, V) x 2 layers x 2 kv heads x head dim 32 x 2 bytes (bfloat16)
        Assert.Equal(512, m.KvMemory.FormulaBytesPerToken);
        Assert.Equal(512.0, m.KvMemory.AllocatedBytesPerToken);

        var json = JsonDocument.Parse(JsonSerializer.Serialize(BatchingBenchmarkReport.From([m]),
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })).RootElement;
        foreach (var key in new[] { "continuous_vs_sequential", "continuous_vs_static", "prefix_prefill_fraction", "prefix_speedup", "kv_bytes_per_token_measured", "kv_bytes_per_token_formula" })
            Assert.Equal(JsonValueKind.Number, json.GetProperty(key).ValueKind);
        Assert.Equal(m.Prefix.PrefillFraction, json.GetProperty("prefix_prefill_fraction").GetDouble());
        Assert.Equal(512, json.GetProperty("kv_bytes_per_token_formula").GetInt64());
        Assert.Equal(1, json.GetProperty("models").GetArrayLength());
    }

    public void Dispose()
    {
        try { Directory.Delete(_temp, true); } catch (IOException) { }
    }

    /// <summary>The real Qwen3 tokenizer files: INTERNS1_QWEN3_TOKENIZER_DIR, else the cache folder that ops/fetch-tokenizer.sh fills.</summary>
    private static string Qwen3TokenizerDir()
    {
        var dir = Environment.GetEnvironmentVariable("INTERNS1_QWEN3_TOKENIZER_DIR");
        if (string.IsNullOrEmpty(dir))
            dir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "interns1", "qwen3-tokenizer");
        Assert.True(File.Exists(Path.Combine(dir, "tokenizer.json")), $"the Qwen3 tokenizer is not in {dir}: run ops/fetch-tokenizer.sh or set INTERNS1_QWEN3_TOKENIZER_DIR");
        return dir;
    }
}
