using System.Text.Json.Nodes;
using InternS1.Batch.Tests.Infrastructure;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary><c>interns1 bench worker --quick</c> as a user runs it (real RabbitMQ, PostgreSQL and worker process): both
/// halves finish every job of each of 2 alternated passes (after as many untimed warm-up jobs), the ratio is the quotient of the two halves' best rates, and the report carries the CPU features and the
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
            }, "bench", "worker", "--quick", "--jobs", "4", "--output-tokens", "3", "--repeats", "2", "--set", "Engine:KvCacheBytes=16777216", "--json", json);
            Assert.True(run.Exit == 0, run.Err + run.Out);
            Assert.Contains("end to end / engine only:", run.Out);
            Assert.Contains("the worker is ready; 4 warm-up jobs (untimed)", run.Out + run.Err);
            Assert.Contains("repetition 2 of 2: the same 4 jobs straight to the engine", run.Out + run.Err);
            Assert.Contains("best of 2: worker ", run.Out);
            Assert.Contains("worker = worker process (RabbitMQ -> worker -> PostgreSQL)", run.Out);
            Assert.Contains("engine only = engine only (no broker, no database)", run.Out);
            Assert.Contains("worker warm-up pass 1: ", run.Out + run.Err);
            Assert.Contains("engine only warm-up pass 1: ", run.Out + run.Err);

            var model = Assert.Single(JsonNode.Parse(await File.ReadAllTextAsync(json))!.AsArray())!;
            Assert.InRange(model["worker_warm_up_passes"]!.GetValue<int>(), 1, 5);
            Assert.InRange(model["engine_only_warm_up_passes"]!.GetValue<int>(), 1, 5);
            static double Rate(JsonNode run) => run["completion_tokens"]!.GetValue<long>() / run["seconds"]!.GetValue<double>();
            var workerRuns = model["worker_runs"]!.AsArray().Select(r => r!).ToList();
            var engineRuns = model["engine_only_runs"]!.AsArray().Select(r => r!).ToList();
            Assert.Equal(2, workerRuns.Count);
            Assert.Equal(2, engineRuns.Count);
            foreach (var pass in workerRuns.Concat(engineRuns))
            {
                Assert.Equal(4, pass["jobs"]!.GetValue<int>());
                // 3 new tokens per job unless the random model ends a job early with its eos id
                Assert.InRange(pass["completion_tokens"]!.GetValue<long>(), 4, 12);
                // read from /proc: CPU seconds of one thread, so about the pass's wall time at most (the worker half reads it
                // from the publish to the poll that saw the last result, 0.5 s apart)
                Assert.InRange(pass["background_jit_seconds"]!.GetValue<double>(), 0, pass["seconds"]!.GetValue<double>() + 2);
            }
            // each half's best pass, and their quotient
            Assert.Equal(workerRuns.Max(Rate), Rate(model["worker"]!), 6);
            Assert.Equal(engineRuns.Max(Rate), Rate(model["engine_only"]!), 6);
            Assert.Equal(workerRuns.Max(Rate) / engineRuns.Max(Rate), model["ratio"]!.GetValue<double>(), 6);
            var perPass = model["repetition_ratios"]!.AsArray().Select(x => x!.GetValue<double>()).ToList();
            Assert.Equal([Rate(workerRuns[0]) / Rate(engineRuns[0]), Rate(workerRuns[1]) / Rate(engineRuns[1])], perPass, new ToleranceComparer(1e-6));
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

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));
        public int GetHashCode(double obj) => 0;
    }
}
