using System.Text.Json.Nodes;
using InternS1.Batch.Tests.Infrastructure;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary><c>interns1 bench batching --quick --no-large</c> as a user runs it: the tiny model only, the threads and dtype
/// asked for, the KV bytes per token against the formula computed here from the tiny checkpoint's shape, and the
/// headline ratios present. Timings are not asserted.</summary>
public class BenchBatchingProcessTests
{
    [Fact]
    public async Task Bench_batching_quick_without_the_large_model_reports_the_tiny_model_with_the_threads_and_dtype_asked_for()
    {
        var json = Path.Combine(Path.GetTempPath(), $"interns1-bench-batching-{Guid.NewGuid():N}.json");
        try
        {
            var run = await CliRun.RunAsync(new Dictionary<string, string>(), "bench", "batching", "--quick", "--no-large", "--threads", "1", "--dtype", "float32", "--json", json);
            Assert.True(run.Exit == 0, run.Err + run.Out);
            Assert.Contains("CPU: ", run.Out);
            Assert.Contains("1 threads", run.Out);
            Assert.DoesNotContain("large random MoE", run.Out + run.Err);

            var report = JsonNode.Parse(await File.ReadAllTextAsync(json))!;
            var model = Assert.Single(report["models"]!.AsArray())!;
            Assert.Equal(("float32", 1), (model["dtype"]!.GetValue<string>(), model["threads"]!.GetValue<int>()));
            // The embedded tiny checkpoint (intern-s1-tiny-v1): K and V x 2 layers x 2 KV heads x head_dim 32 x 4 bytes (float32).
            Assert.Equal(2 * 2 * 2 * 32 * 4, report["kv_bytes_per_token_formula"]!.GetValue<double>());
            foreach (var key in new[] { "continuous_vs_sequential", "continuous_vs_static", "prefix_prefill_fraction", "prefix_speedup" })
                Assert.True(report[key]!.GetValue<double>() > 0, key);
        }
        finally
        {
            File.Delete(json);
        }
    }
}
