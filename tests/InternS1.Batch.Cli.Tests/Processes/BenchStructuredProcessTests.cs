using System.Text.Json.Nodes;
using InternS1.Batch.Tests.Infrastructure;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary><c>interns1 bench structured</c> as a user runs it, at the smallest sizes: it prints the CPU features, the
/// dtype and the headline, and writes the JSON report with both decode runs and every compile time.</summary>
public class BenchStructuredProcessTests
{
    [Fact]
    public async Task Bench_structured_prints_the_headline_and_writes_the_json_report()
    {
        var file = Path.Combine(Path.GetTempPath(), $"interns1-bench-structured-{Guid.NewGuid():N}.json");
        try
        {
            var (exit, stdout, stderr) = await CliRun.RunAsync(new Dictionary<string, string>(),
                "bench", "structured", "--quick", "--sequences", "2", "--output-tokens", "3", "--dtype", "float32", "--threads", "2", "--json", file);
            Assert.True(exit == 0, stderr);
            Assert.Contains("CPU features:", stdout);
            Assert.Contains("dtype float32; 2 torch threads", stdout);
            Assert.Contains("headline: constrained_vs_unconstrained", stdout);
            var report = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
            Assert.Equal(("float32", 2), (report["dtype"]!.GetValue<string>(), report["threads"]!.GetValue<int>()));
            Assert.Equal(2 * 2, report["constrained"]!["decode_tokens"]!.GetValue<long>());
            Assert.Equal(2 * 2, report["unconstrained"]!["decode_tokens"]!.GetValue<long>());
            Assert.Equal(5, report["compile"]!.AsArray().Count);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
