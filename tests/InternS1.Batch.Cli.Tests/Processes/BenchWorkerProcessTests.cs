using System.Text.Json.Nodes;
using InternS1.Batch.Tests.Infrastructure;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary><c>interns1 bench worker --quick</c> as a user runs it (real RabbitMQ, PostgreSQL and worker process): both
/// halves finish every job (after as many untimed warm-up jobs), the ratio is the two rates' quotient, and the report carries the CPU features and the
/// worker's own dtype and heap lines. Timings are not asserted.</summary>
[Trait("Category", "Service")]
public class BenchWorkerProcessTests
{
    [Fact]
    public async Task Bench_worker_quick_runs_the_worker_process_and_the_engine_on_the_same_jobs()
    {
        var json = Path.Combine(Path.GetTempPath(), $"interns1-bench-worker-{Guid.NewGuid():N}.json");
        try
        {
            var run = await CliRun.RunAsync(new Dictionary<string, string>
            {
                ["ConnectionStrings__Postgres"] = TestServices.Postgres,
                ["ConnectionStrings__RabbitMq"] = TestServices.RabbitMqUri,
            }, "bench", "worker", "--quick", "--jobs", "4", "--output-tokens", "3", "--set", "Engine:KvCacheBytes=16777216", "--json", json);
            Assert.True(run.Exit == 0, run.Err + run.Out);
            Assert.Contains("end to end / engine only:", run.Out);
            Assert.Contains("the worker is ready; 4 warm-up jobs (untimed)", run.Out + run.Err);

            var model = Assert.Single(JsonNode.Parse(await File.ReadAllTextAsync(json))!.AsArray())!;
            var worker = model["worker"]!;
            var engine = model["engine_only"]!;
            Assert.Equal(4, worker["jobs"]!.GetValue<int>());
            Assert.Equal(4, engine["jobs"]!.GetValue<int>());
            // 3 new tokens per job unless the random model ends a job early with its eos id
            Assert.InRange(worker["completion_tokens"]!.GetValue<long>(), 4, 12);
            Assert.InRange(engine["completion_tokens"]!.GetValue<long>(), 4, 12);
            var workerRate = worker["completion_tokens"]!.GetValue<long>() / worker["seconds"]!.GetValue<double>();
            var engineRate = engine["completion_tokens"]!.GetValue<long>() / engine["seconds"]!.GetValue<double>();
            Assert.Equal(workerRate / engineRate, model["ratio"]!.GetValue<double>(), 6);
            var settings = model["worker_settings"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
            Assert.Contains(settings, s => s.Contains("Compute dtype "));
            Assert.Contains(settings, s => s.Contains("Heap: mallopt(M_MMAP_MAX=0"));
            Assert.Contains("avx2", model["cpu"]!.GetValue<string>());
            Assert.Contains(" on cpu, ", model["engine_settings"]!.GetValue<string>());
        }
        finally
        {
            File.Delete(json);
        }
    }
}
