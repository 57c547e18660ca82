using System.ComponentModel.DataAnnotations;
using InternS1.Batch.Worker.Options;
using InternS1.Engine.Configuration;
using Microsoft.Extensions.Configuration;

namespace InternS1.Batch.Tests.Unit;

public class EngineHostOptionsTests
{
    private static List<string> Errors(EngineHostOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.SelectMany(r => r.MemberNames).ToList();
    }

    [Fact]
    public void The_defaults_are_a_margin_of_sixteen_a_thirty_second_drain_and_4096_new_tokens()
    {
        var options = new EngineHostOptions();
        Assert.Empty(Errors(options));
        Assert.Equal((16, TimeSpan.FromSeconds(30), 4096), (options.WaitingMargin, options.DrainTimeout, options.DefaultMaxNewTokens));
        Assert.Equal("Engine", EngineHostOptions.SectionName);
    }

    [Fact]
    public void Out_of_range_settings_are_named()
    {
        var errors = Errors(new EngineHostOptions { WaitingMargin = -1, DrainTimeout = TimeSpan.FromSeconds(-1), DefaultMaxNewTokens = 0 });
        Assert.Equal(["DefaultMaxNewTokens", "DrainTimeout", "WaitingMargin"], errors.Order());
    }

    [Fact]
    public void The_engine_section_binds_the_engine_and_the_worker_keys_each_to_its_own_class()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Engine:MaxNumSeqs"] = "8",
            ["Engine:BlockSize"] = "32",
            ["Engine:WaitingMargin"] = "3",
            ["Engine:DrainTimeout"] = "00:00:05",
            ["Engine:DefaultMaxNewTokens"] = "77",
        }).Build();
        var engine = configuration.GetSection(EngineOptions.SectionName).Get<EngineOptions>()!;
        var host = configuration.GetSection(EngineHostOptions.SectionName).Get<EngineHostOptions>()!;

        Assert.Equal((8, 32), (engine.MaxNumSeqs, engine.BlockSize));
        Assert.Equal((3, TimeSpan.FromSeconds(5), 77), (host.WaitingMargin, host.DrainTimeout, host.DefaultMaxNewTokens));
    }

    [Fact]
    public void Consumer_concurrency_is_max_num_seqs_plus_the_waiting_margin()
    {
        var c = ConsumerConcurrency.From(64, new EngineHostOptions { WaitingMargin = 16 });
        Assert.Equal((80, 80), (c.ConcurrentMessageLimit, c.PrefetchCount));
    }
}
