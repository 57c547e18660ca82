using InternS1.Batch.Cli.ModelRuntime;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Preparation;
using InternS1.Engine.Configuration;
using InternS1.Media;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InternS1.Batch.Cli.Composition;

/// <summary>
/// Where the composition root chooses the production <c>IPromptJobExecutor</c>: chat template + media +
/// the TorchSharp engine with continuous batching, on <c>Model:Path</c> or the embedded default model.
/// </summary>
internal static class ExecutorComposition
{
    /// <summary>Registers the executor and its engine host (call before <c>AddInternS1Worker</c>, so the
    /// model loads before the bus starts and drains after it stops); returns null, or why the worker cannot run.</summary>
    public static string? TryAddExecutor(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EngineHostOptions>().BindConfiguration(EngineHostOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<JobExecutionOptions>().BindConfiguration(JobExecutionOptions.SectionName);
        services.AddOptions<MediaOptions>().BindConfiguration(MediaOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // Back-pressure sized from the scheduler: MaxNumSeqs running + a waiting margin, unless set explicitly.
        var engine = configuration.GetSection(EngineOptions.SectionName).Get<EngineOptions>() ?? new EngineOptions();
        var host = configuration.GetSection(EngineHostOptions.SectionName).Get<EngineHostOptions>() ?? new EngineHostOptions();
        var concurrency = ConsumerConcurrency.From(engine.MaxNumSeqs, host);
        services.PostConfigure<WorkerOptions>(o =>
        {
            if (configuration[$"{WorkerOptions.SectionName}:{nameof(WorkerOptions.ConcurrentMessageLimit)}"] is null)
                o.ConcurrentMessageLimit = concurrency.ConcurrentMessageLimit;
            if (configuration[$"{WorkerOptions.SectionName}:{nameof(WorkerOptions.PrefetchCount)}"] is null)
                o.PrefetchCount = concurrency.PrefetchCount;
        });

        services.AddSingleton<ModelRuntimeHost>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelRuntimeHost>());
        services.AddSingleton<IPromptJobExecutor>(sp => sp.GetRequiredService<ModelRuntimeHost>());
        return null;
    }
}
