using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Options;
using InternS1.Engine.Execution;
using InternS1.Text.Tokenization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InternS1.Batch.Tests.Unit;

/// <summary>The prefix cache on the composed engine (instant runner, real prompt files): by default one dataset's
/// prompt blocks never serve another's, so <c>cached_tokens</c> tells a producer nothing about other datasets.</summary>
public class PrefixCacheIsolationTests
{
    private static readonly InternS1Tokenizer Tokenizer = InternS1Tokenizer.Load(TinyPromptFolder.Directory);
    private static readonly int Eos = Tokenizer.TokenToId("<|im_end|>")!.Value;
    private static readonly string Prefix = string.Join(' ', Enumerable.Range(0, 120).Select(i => $"record-{i}"));

    private static SubmitPromptJob Job(string id, string dataset) => new()
    {
        JobId = id,
        Dataset = dataset,
        CustomId = id,
        Messages = [new ChatMessage { Role = "user", Content = Prefix + " Which record is it?" }],
        EnableThinking = false,
        Sampling = new SamplingSettings { MaxNewTokens = 2, Seed = 1 },
    };

    private static async Task<(int SameDataset, int OtherDataset)> CachedTokensAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        settings["Engine:MaxNumSeqs"] = "4";
        settings["Engine:KvCacheBlocks"] = "256";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName);
        builder.Services.AddInternS1Engine(builder.Configuration, _ => new Factory(new InstantRunner(Tokenizer.Encode("ok"), Eos)));
        using var host = builder.Build();
        await host.StartAsync();
        var executor = host.Services.GetRequiredService<IPromptJobExecutor>();
        async Task<int> Cached(string id, string dataset)
            => Assert.IsType<JobOutcome.Completed>(await executor.ExecuteAsync(Job(id, dataset), CancellationToken.None)).Completion.Usage.CachedTokens ?? throw new InvalidOperationException("the local engine reports cached tokens");
        Assert.Equal(0, await Cached("a1", "alpha"));
        var b = await Cached("b1", "beta");
        var a2 = await Cached("a2", "alpha");
        await host.StopAsync();
        return (a2, b);
    }

    [Fact]
    public async Task By_default_a_dataset_gets_no_cached_tokens_from_another_datasets_identical_prefix()
    {
        var (sameDataset, otherDataset) = await CachedTokensAsync([]);
        Assert.Equal(0, otherDataset);
        Assert.True(sameDataset >= 16 && sameDataset % 16 == 0, $"a second job of the same dataset should reuse whole 16-token blocks, got {sameDataset}");
    }

    [Fact]
    public async Task Sharing_across_datasets_is_an_explicit_option_and_then_the_prefix_is_reused()
    {
        var (_, otherDataset) = await CachedTokensAsync(new() { ["Execution:IsolatePrefixCacheByDataset"] = "false" });
        Assert.True(otherDataset >= 16, $"with sharing on, the other dataset should reuse the cached prefix, got {otherDataset}");
    }

    private sealed class Factory(IModelRunner runner) : IModelRunnerFactory
    {
        public Task<string> ResolveModelDirectoryAsync(CancellationToken cancellationToken) => Task.FromResult(TinyPromptFolder.Directory);

        public IModelRunner Load(string modelDirectory) => runner;
    }
}
