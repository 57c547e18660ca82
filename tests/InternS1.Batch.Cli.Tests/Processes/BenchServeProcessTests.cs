using System.Text.Json.Nodes;
using InternS1.Batch.Tests.Infrastructure;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary><c>interns1 bench serve --quick</c> as a user runs it: the three runs finish every request with exactly its
/// tokens (8 batch jobs x 24, 2 interactive requests x 4, the quick sizes), interactive requests preempt the full batch,
/// the ratios are the quotients of the reported times, and the report names the CPU's features. Timings are not asserted.</summary>
public class BenchServeProcessTests
{
    [Fact]
    public async Task Bench_serve_quick_runs_the_interactive_requests_idle_and_ahead_of_a_full_batch()
    {
        var json = Path.Combine(Path.GetTempPath(), $"interns1-bench-serve-{Guid.NewGuid():N}.json");
        try
        {
            var run = await CliRun.RunAsync(new Dictionary<string, string>(), "bench", "serve", "--quick", "--dtype", "float32", "--threads", "1", "--json", json);
            Assert.True(run.Exit == 0, run.Err + run.Out);
            Assert.Contains("CPU: ", run.Out);
            Assert.Contains("TTFT under load / idle:", run.Out);
            Assert.Contains("batch throughput loss:", run.Out);

            var report = JsonNode.Parse(await File.ReadAllTextAsync(json))!;
            var idle = report["idle"]!;
            var batch = report["batch_only"]!;
            var mixed = report["mixed"]!;
            Assert.Equal((0, 0L, 2, 8L), (idle["batch_jobs"]!.GetValue<int>(), idle["batch_output_tokens"]!.GetValue<long>(),
                idle["interactive_requests"]!.GetValue<int>(), idle["interactive_output_tokens"]!.GetValue<long>()));
            Assert.Equal((8, 192L, 0), (batch["batch_jobs"]!.GetValue<int>(), batch["batch_output_tokens"]!.GetValue<long>(), batch["interactive_requests"]!.GetValue<int>()));
            Assert.Equal((192L, 8L), (mixed["batch_output_tokens"]!.GetValue<long>(), mixed["interactive_output_tokens"]!.GetValue<long>()));
            Assert.True(mixed["preemptions"]!.GetValue<long>() >= 1, "the first interactive request arrives with every slot held by the batch");
            Assert.Equal(0, batch["preemptions"]!.GetValue<long>());

            double Mean(JsonNode run) => run["ttft_seconds"]!.AsArray().Select(t => t!.GetValue<double>()).Average();
            Assert.All(new[] { idle, mixed }, r => Assert.Equal(2, r["ttft_seconds"]!.AsArray().Count));
            Assert.Equal(Mean(mixed) / Mean(idle), report["ttft_ratio"]!.GetValue<double>(), 9);
            var batchRate = batch["batch_output_tokens"]!.GetValue<long>() / batch["batch_seconds"]!.GetValue<double>();
            var mixedRate = mixed["batch_output_tokens"]!.GetValue<long>() / mixed["batch_seconds"]!.GetValue<double>();
            Assert.Equal(1 - mixedRate / batchRate, report["batch_throughput_loss"]!.GetValue<double>(), 9);
            Assert.Equal(8.0 / 200, report["interactive_share"]!.GetValue<double>(), 12);
            Assert.Equal(8.0 / 200 + 0.10, report["batch_loss_goal"]!.GetValue<double>(), 12);
            Assert.Contains("avx2", report["cpu"]!.GetValue<string>());
            Assert.Equal("float32", report["dtype"]!.GetValue<string>());
            Assert.Equal(1, report["threads"]!.GetValue<int>());
        }
        finally
        {
            File.Delete(json);
        }
    }
}
