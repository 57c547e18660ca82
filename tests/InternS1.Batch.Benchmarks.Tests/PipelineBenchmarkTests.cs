using InternS1.Batch.Benchmarks.Pipeline;
using InternS1.Batch.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace InternS1.Batch.Benchmarks.Tests;

/// <summary><c>bench pipeline</c> end to end at a small size on the real broker and database: every job of
/// both variants is committed, the naive consumer commits once per job, the worker groups its commits, and the
/// JSON carries the documented keys. Timings are not asserted.</summary>
[Trait("Category", "Service")]
public class PipelineBenchmarkTests
{
    [Fact]
    public async Task Both_variants_commit_every_job_and_only_the_worker_groups_its_commits()
    {
        string? database = null;
        var report = await PipelineBenchmark.RunAsync(60, 8, TestServices.Postgres, TestServices.RabbitMqUri, name => database = name, default);

        Assert.StartsWith("interns1_bench_", database);
        Assert.Equal((60, 8, 8), (report.Jobs, report.PrefetchCount, report.ConcurrentMessageLimit));
        Assert.Equal(("group commit (worker)", 60), (report.Grouped.Variant, report.Grouped.Jobs));
        Assert.Equal(("one SaveChanges per job", 60, 60L), (report.Naive.Variant, report.Naive.Jobs, report.Naive.Transactions));
        Assert.InRange(report.Grouped.Transactions, 1, 60);
        Assert.True(report.Grouped.Seconds > 0 && report.Naive.Seconds > 0);

        var json = report.ToJson();
        Assert.Equal(60, json["jobs"]!.GetValue<int>());
        Assert.Equal(["group commit (worker)", "one SaveChanges per job"], json["variants"]!.AsArray().Select(v => v!["variant"]!.GetValue<string>()));
        Assert.Equal(60L, json["variants"]![1]!["transactions"]!.GetValue<long>());
        Assert.Equal(0, await Database.CountAsync(TestServices.Postgres, "SELECT count(*) FROM pg_database WHERE datname = @name", ("name", database!)));
    }

    [Theory]
    [InlineData(null, null, null, null, 80, 80)]  // the defaults: Engine:MaxNumSeqs 64 + Engine:WaitingMargin 16
    [InlineData("8", "4", null, null, 12, 12)]
    [InlineData("8", null, "40", "30", 40, 30)]   // set Worker values win, as in the worker
    public void Without_a_concurrency_the_benchmark_uses_the_back_pressure_of_the_worker_with_its_local_engine(
        string? maxNumSeqs, string? margin, string? prefetch, string? limit, int expectedPrefetch, int expectedLimit)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Engine:MaxNumSeqs"] = maxNumSeqs, ["Engine:WaitingMargin"] = margin,
            ["Worker:PrefetchCount"] = prefetch, ["Worker:ConcurrentMessageLimit"] = limit,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Where(s => s.Value is not null)).Build();

        Assert.Equal((expectedPrefetch, expectedLimit), PipelineBenchmark.ShippedBackPressure(configuration));
    }
}
