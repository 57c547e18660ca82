using System.ComponentModel.DataAnnotations;
using InternS1.Batch.Remote.Hosting;
using InternS1.Batch.Remote.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Remote.Tests.Unit;

public class RemoteOptionsTests
{
    private static List<string> Errors(RemoteOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage!).ToList();
    }

    private static RemoteOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddInternS1Remote().BuildServiceProvider();
        return services.GetRequiredService<IOptions<RemoteOptions>>().Value;
    }

    [Fact]
    public void One_endpoint_and_the_defaults_are_valid()
    {
        var options = new RemoteOptions { Endpoints = ["http://gpu-node-1:23333/v1"] };
        Assert.Empty(Errors(options));
        Assert.Equal(RemoteFlavor.Auto, options.Flavor);
        Assert.Equal(256, options.MaxConcurrency);
        Assert.Equal(TimeSpan.FromMinutes(5), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), options.StreamIdleTimeout);
        Assert.Equal(5, options.MaxRetryAttempts);
        Assert.Equal(3, options.FailuresBeforeDown);
    }

    [Fact]
    public void No_endpoint_is_refused_naming_the_key_and_an_example()
    {
        var error = Assert.Single(Errors(new RemoteOptions()));
        Assert.StartsWith("Remote:Endpoints: at least one server base URL is required", error);
        Assert.Contains("Remote:Endpoints:0=http://", error);
    }

    [Fact]
    public void A_bad_duplicate_or_query_carrying_endpoint_is_refused_naming_its_index()
    {
        var errors = Errors(new RemoteOptions { Endpoints = ["http://a:1/v1", "ftp://b/v1", "http://a:1/v1/", "http://c:2/v1?x=1"] });
        Assert.Equal(
        [
            "Remote:Endpoints:1: 'ftp://b/v1' is not an absolute http(s) URL.",
            "Remote:Endpoints:2: 'http://a:1/v1/' is listed twice.",
            "Remote:Endpoints:3: 'http://c:2/v1?x=1' must not have a query or fragment.",
        ], errors);
    }

    [Fact]
    public void Out_of_range_values_are_refused_naming_the_key()
    {
        var errors = Errors(new RemoteOptions
        {
            Endpoints = ["http://a:1/v1"], MaxConcurrency = 0, RequestTimeout = TimeSpan.Zero, StreamIdleTimeout = TimeSpan.Zero,
            MaxRetryAttempts = -1, HealthProbeInterval = TimeSpan.Zero, MetricsScrapeInterval = TimeSpan.Zero, FailuresBeforeDown = 0,
            RetryBaseDelay = TimeSpan.FromHours(2), RetryMaxDelay = TimeSpan.FromHours(2),
        });
        var keys = new[] { "MaxConcurrency", "RequestTimeout", "StreamIdleTimeout", "MaxRetryAttempts", "RetryBaseDelay", "RetryMaxDelay", "HealthProbeInterval", "MetricsScrapeInterval", "FailuresBeforeDown" };
        Assert.Equal(keys.Length, errors.Count);
        foreach (var key in keys)
            Assert.Contains(errors, e => e.StartsWith($"Remote:{key} must be between"));
    }

    [Fact]
    public void A_retry_base_delay_above_the_maximum_is_refused_naming_both_keys()
    {
        var error = Assert.Single(Errors(new RemoteOptions
        {
            Endpoints = ["http://a:1/v1"], RetryBaseDelay = TimeSpan.FromSeconds(10), RetryMaxDelay = TimeSpan.FromSeconds(1),
        }));
        Assert.Equal("Remote:RetryBaseDelay (00:00:10) must not exceed Remote:RetryMaxDelay (00:00:01).", error);
    }

    [Fact]
    public void A_tokenizer_path_that_does_not_exist_is_refused_and_an_existing_folder_is_accepted()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N"));
        Assert.Equal([$"Remote:TokenizerPath: folder '{missing}' does not exist."],
            Errors(new RemoteOptions { Endpoints = ["http://a:1/v1"], TokenizerPath = missing }));
        Assert.Empty(Errors(new RemoteOptions { Endpoints = ["http://a:1/v1"], TokenizerPath = Path.GetTempPath() }));
    }

    [Fact]
    public void A_blank_model_is_refused_and_an_empty_one_means_the_first_listed()
    {
        Assert.Single(Errors(new RemoteOptions { Endpoints = ["http://a:1/v1"], Model = "  " }));
        Assert.Empty(Errors(new RemoteOptions { Endpoints = ["http://a:1/v1"], Model = "" }));
    }

    [Fact]
    public void The_text_form_redacts_the_api_key_and_endpoint_credentials()
    {
        var text = new RemoteOptions { Endpoints = ["http://user:hunter2@gpu:23333/v1"], ApiKey = "sk-secret-123" }.ToString();
        Assert.DoesNotContain("sk-secret-123", text);
        Assert.DoesNotContain("hunter2", text);
        Assert.Contains("ApiKey=***", text);
        Assert.Contains("http://***@gpu:23333/v1", text);
    }

    [Fact]
    public void Every_key_binds_from_configuration_and_flavors_are_case_insensitive()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Remote:Endpoints:0"] = "http://gpu-node-1:23333/v1",
            ["Remote:Endpoints:1"] = "http://gpu-node-2:23333/v1",
            ["Remote:Flavor"] = "openai",
            ["Remote:Model"] = "internlm/Intern-S1",
            ["Remote:ApiKey"] = "k",
            ["Remote:MaxConcurrency"] = "64",
            ["Remote:RequestTimeout"] = "00:01:00",
            ["Remote:StreamIdleTimeout"] = "00:00:30",
            ["Remote:MaxRetryAttempts"] = "2",
            ["Remote:RetryBaseDelay"] = "00:00:02",
            ["Remote:RetryMaxDelay"] = "00:00:20",
            ["Remote:HealthProbeInterval"] = "00:00:03",
            ["Remote:MetricsScrapeInterval"] = "00:00:07",
            ["Remote:FailuresBeforeDown"] = "4",
            ["Remote:TokenizerPath"] = Path.GetTempPath(),
        });
        Assert.Equal(["http://gpu-node-1:23333/v1", "http://gpu-node-2:23333/v1"], options.Endpoints);
        Assert.Equal(RemoteFlavor.OpenAi, options.Flavor);
        Assert.Equal(("internlm/Intern-S1", "k", 64), (options.Model, options.ApiKey, options.MaxConcurrency));
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30)), (options.RequestTimeout, options.StreamIdleTimeout));
        Assert.Equal((2, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20)), (options.MaxRetryAttempts, options.RetryBaseDelay, options.RetryMaxDelay));
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(7), 4), (options.HealthProbeInterval, options.MetricsScrapeInterval, options.FailuresBeforeDown));
        Assert.Equal(Path.GetTempPath(), options.TokenizerPath);
        Assert.Equal(RemoteFlavor.Lmdeploy, Bind(new() { ["Remote:Endpoints:0"] = "http://a:1/v1", ["Remote:Flavor"] = "LMDeploy" }).Flavor);
    }

    [Fact]
    public void An_unknown_flavor_fails_naming_the_key()
    {
        var e = Assert.ThrowsAny<Exception>(() => Bind(new() { ["Remote:Endpoints:0"] = "http://a:1/v1", ["Remote:Flavor"] = "tgi" }));
        Assert.Contains("Remote:Flavor", e.Message);
    }

    [Fact]
    public void Invalid_settings_fail_when_the_options_are_first_read()
    {
        var e = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Remote:MaxConcurrency"] = "8" }));
        Assert.Contains("Remote:Endpoints: at least one server base URL is required", e.Message);
    }
}
