using System.Text.Json.Nodes;
using InternS1.Batch.Tests.Infrastructure;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary><c>interns1 bench remote --quick --json FILE</c> as a user runs it: it drives the fake server through every
/// variant and writes a report whose job counts match the workload (speed itself is measured, not asserted).</summary>
[Trait("Category", "Service")]
public class RemoteBenchProcessTests
{
    [Fact]
    public async Task The_quick_remote_benchmark_runs_every_variant_and_writes_its_report()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bench-remote-{Guid.NewGuid():N}.json");
        try
        {
            var (exit, stdout, stderr) = await CliRun.RunAsync(new Dictionary<string, string>
            {
                ["ConnectionStrings__Postgres"] = TestServices.Postgres,
                ["ConnectionStrings__RabbitMq"] = TestServices.RabbitMqUri,
            }, "bench", "remote", "--quick", "--slots", "8", "--jobs", "120", "--json", file);
            Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
            Assert.Contains("CPU features:", stdout);
            Assert.Contains("worker / best plain client", stdout);

            var report = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
            Assert.Equal(8, (int)report["slots"]!);
            var throughput = report["throughput"]!;
            Assert.Equal([4, 8, 16], throughput["plain"]!.AsArray().Select(v => int.Parse(((string)v!["variant"]!).Split(' ')[2])));
            // 32 tokens per job, as the server counted what it streamed.
            Assert.All(throughput["plain"]!.AsArray(), v => Assert.Equal((120, 120L * 32), ((int)v!["jobs"]!, (long)v["completion_tokens"]!)));
            Assert.Equal((120, 120L * 32), ((int)throughput["worker"]!["jobs"]!, (long)throughput["worker"]!["completion_tokens"]!));
            Assert.True((double)throughput["worker_ratio"]! > 0);
            var capacity = report["capacity_change"]!;
            Assert.Equal([4, 8, 12, 16], capacity["fixed"]!.AsArray().Select(v => int.Parse(((string)v!["variant"]!).Split(' ')[1])));
            Assert.All(capacity["fixed"]!.AsArray(), v => Assert.Equal((240, 240L * 32), ((int)v!["jobs"]!, (long)v["completion_tokens"]!)));
            Assert.Equal((240, 240L * 32), ((int)capacity["adaptive"]!["jobs"]!, (long)capacity["adaptive"]!["completion_tokens"]!));
            Assert.True((double)capacity["adaptive_ratio"]! > 0);
            Assert.IsType<JsonArray>(report["cpu_features"]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Fewer_slots_than_the_low_capacity_are_refused_naming_the_option()
    {
        var (exit, _, stderr) = await CliRun.RunAsync(new Dictionary<string, string>(), "bench", "remote", "--slots", "2");
        Assert.Equal(2, exit);
        Assert.Contains("bench remote: --slots must be at least 1 and at least the low capacity (4)", stderr);
    }
}
