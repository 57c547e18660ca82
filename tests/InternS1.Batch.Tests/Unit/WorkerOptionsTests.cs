using System.ComponentModel.DataAnnotations;
using InternS1.Batch.Worker.Options;

namespace InternS1.Batch.Tests.Unit;

public class WorkerOptionsTests
{
    private static List<string> Errors(WorkerOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage!).ToList();
    }

    [Fact]
    public void The_defaults_are_valid_and_retry_one_five_fifteen_thirty_seconds()
    {
        var options = new WorkerOptions();
        Assert.Empty(Errors(options));
        Assert.Equal([1, 5, 15, 30], options.EffectiveRetryIntervals.Select(i => i.TotalSeconds));
    }

    [Fact]
    public void A_prefetch_below_the_concurrency_limit_is_refused_naming_both_settings()
    {
        var error = Assert.Single(Errors(new WorkerOptions { PrefetchCount = 4, ConcurrentMessageLimit = 8 }));
        Assert.Contains("Worker:PrefetchCount (4)", error);
        Assert.Contains("Worker:ConcurrentMessageLimit (8)", error);
    }

    [Fact]
    public void Configured_retry_intervals_replace_the_defaults()
    {
        var options = new WorkerOptions { RetryIntervals = [TimeSpan.FromMilliseconds(100)] };
        Assert.Equal([TimeSpan.FromMilliseconds(100)], options.EffectiveRetryIntervals);
        Assert.Single(Errors(new WorkerOptions { RetryIntervals = [TimeSpan.FromHours(2)] }));
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("metrics.internal", true)]
    [InlineData("[::1]", true)]
    [InlineData("http://host", false)]
    [InlineData("+", false)]
    [InlineData("", false)]
    public void The_metrics_host_is_every_interface_a_host_name_or_an_address(string host, bool valid)
    {
        var errors = Errors(new WorkerOptions { MetricsHost = host });
        if (valid)
            Assert.Empty(errors);
        else
            Assert.Contains(errors, e => e.Contains("Worker:MetricsHost") || e.Contains("MetricsHost"));
    }
}
