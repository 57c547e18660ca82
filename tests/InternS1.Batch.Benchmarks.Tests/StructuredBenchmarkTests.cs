using System.Diagnostics;
using System.Text.Json;
using InternS1.Batch.Benchmarks.Structured;
using InternS1.Text.Assets;
using InternS1.Text.Tokenization;

namespace InternS1.Batch.Benchmarks.Tests;

/// <summary><c>bench structured</c> end to end at toy sizes (the quick mode's path): the counts follow from the workload
/// (checked by hand), the CPU features equal what grep reads from /proc/cpuinfo, and the report has the issue's keys.
/// Timings are not asserted.</summary>
public sealed class StructuredBenchmarkTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("interns1-bench-structured-").FullName;

    [Fact]
    public void The_structured_benchmark_counts_what_its_workload_implies_and_reports_the_issue_keys()
    {
        TinyTokenizerAssets.Write(Qwen3TokenizerDir(), _temp);
        var tokenizer = InternS1Tokenizer.Load(_temp);
        var options = StructuredBenchmarkOptions.Quick with
        {
            Sequences = 3, PromptTokens = 6, OutputTokens = 5, Repeats = 1, WorkDirectory = _temp,
            CompileSchemas = [("label enum", """{"enum":["a","b"]}""")],
        };

        var report = StructuredBenchmark.Run(options, tokenizer);

        // 3 sequences x 5 outputs: the first output of each comes from the prefill step, the other 4 are decodes
        foreach (var run in new[] { report.Unconstrained, report.Constrained })
        {
            Assert.Equal(3 * 4, run.DecodeTokens);
            Assert.Equal(4, run.DecodeSteps);
            Assert.Equal(3, run.Sequences);
        }
        Assert.Equal(0, report.Unconstrained.MaskedSteps);
        Assert.Equal(report.Constrained.DecodeSteps, report.Constrained.MaskedSteps);
        Assert.InRange(report.Constrained.SlowMaskSteps, 0, report.Constrained.MaskedSteps);
        Assert.InRange(report.Constrained.ValuesCompleted, 0, 3);
        Assert.Equal("label enum", Assert.Single(report.Compile).Schema);
        // the default is the worker's: auto, float32 without native bf16 matrix instructions
        Assert.Equal(InternS1.Engine.Torch.Hardware.CpuFeatures.Current.HasNativeBf16Matmul ? "bfloat16" : "float32", report.Dtype);
        Assert.Equal(GrepCpuFeatures(), report.CpuFeatures);

        var json = JsonDocument.Parse(JsonSerializer.Serialize(report, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })).RootElement;
        foreach (var key in new[] { "constrained_vs_unconstrained", "slow_mask_step_share", "goal", "vocabulary_seconds" })
            Assert.Equal(JsonValueKind.Number, json.GetProperty(key).ValueKind);
        Assert.Equal(JsonValueKind.Number, json.GetProperty("constrained").GetProperty("decode_tokens_per_second").ValueKind);
        Assert.Equal(JsonValueKind.Number, json.GetProperty("compile")[0].GetProperty("cold_seconds").ValueKind);
        Assert.Equal(JsonValueKind.Array, json.GetProperty("cpu_features").ValueKind);
    }

    /// <summary>What the README's command prints: <c>grep -o -w 'avx512_bf16\|amx_bf16\|avx2' /proc/cpuinfo | sort -u</c>.</summary>
    private static string[] GrepCpuFeatures()
    {
        using var p = Process.Start(new ProcessStartInfo("bash", ["-c", @"grep -o -w 'avx512_bf16\|amx_bf16\|avx2' /proc/cpuinfo | LC_ALL=C sort -u"]) { RedirectStandardOutput = true })!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public void Dispose()
    {
        try { Directory.Delete(_temp, true); } catch (IOException) { }
    }

    private static string Qwen3TokenizerDir()
    {
        var dir = Environment.GetEnvironmentVariable("INTERNS1_QWEN3_TOKENIZER_DIR");
        if (string.IsNullOrEmpty(dir))
            dir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "interns1", "qwen3-tokenizer");
        Assert.True(File.Exists(Path.Combine(dir, "tokenizer.json")), $"the Qwen3 tokenizer is not in {dir}: run ops/fetch-tokenizer.sh or set INTERNS1_QWEN3_TOKENIZER_DIR");
        return dir;
    }
}
