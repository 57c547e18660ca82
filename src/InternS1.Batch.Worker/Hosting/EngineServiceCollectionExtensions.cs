using System.Diagnostics.Metrics;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Preparation;
using InternS1.Engine.Configuration;
using InternS1.Engine.Core;
using InternS1.Engine.Execution;
using InternS1.Engine.Output;
using InternS1.Engine.Requests;
using InternS1.Media;
using InternS1.Media.Intake;
using InternS1.Text.Structured;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>Composes the engine the worker runs jobs on.</summary>
public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the engine behind the worker's one executor seam, <see cref="IPromptJobExecutor"/>: this is the
    /// call that chooses the executor (today the local engine; a remote engine, chosen by configuration, would
    /// register its own executor here instead). The local engine: options (<c>Engine</c> for the scheduler and
    /// KV cache and for the worker's <see cref="EngineHostOptions"/>, <c>Execution</c>, <c>Media</c>, <c>Validation</c>,
    /// <c>StructuredOutput</c>; validated on start); the model from <paramref name="runnerFactory"/>; the prompt assets of its folder; the runner,
    /// <see cref="EngineCore"/>, <see cref="EngineLoop"/> and <see cref="EngineMetrics"/> (on the host's
    /// <see cref="IMeterFactory"/>, meter <c>InternS1.Batch</c>); job preparation and <see cref="EngineJobExecutor"/>;
    /// and the hosted service that loads the model and starts the loop. That service is registered ahead of every
    /// other hosted service, so the model is ready before the bus takes messages and the engine drains only after
    /// the bus has stopped. Unless <c>Worker:ConcurrentMessageLimit</c> / <c>Worker:PrefetchCount</c> are set,
    /// both become <c>Engine:MaxNumSeqs</c> + <c>Engine:WaitingMargin</c>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The host's configuration (for the back-pressure defaults).</param>
    /// <param name="runnerFactory">Where the model comes from (the CLI: TorchSharp; tests: a test runner).</param>
    public static IServiceCollection AddInternS1Engine(this IServiceCollection services, IConfiguration configuration,
        Func<IServiceProvider, IModelRunnerFactory> runnerFactory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(runnerFactory);
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EngineHostOptions>().BindConfiguration(EngineHostOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<JobExecutionOptions>().BindConfiguration(JobExecutionOptions.SectionName);
        services.AddOptions<MediaOptions>().BindConfiguration(MediaOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<JobValidationOptions>().BindConfiguration(JobValidationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StructuredOutputOptions>().BindConfiguration(StructuredOutputOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        AddBackPressure(services, configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        // The model: its folder and runner come from the factory when the host starts (LocalEngineHost).
        services.TryAddSingleton<IModelRunnerFactory>(runnerFactory);
        services.TryAddSingleton<LocalEngineHost>();
        services.TryAddSingleton(sp => ModelPromptAssets.Load(sp.GetRequiredService<LocalEngineHost>().ModelDirectory));
        services.TryAddSingleton(sp => sp.GetRequiredService<IModelRunnerFactory>().Load(sp.GetRequiredService<LocalEngineHost>().ModelDirectory));
        services.TryAddSingleton(sp => sp.GetRequiredService<IModelRunner>().Info);

        // The engine.
        services.TryAddSingleton<ITokenDecoder>(sp => new TokenizerDecoder(sp.GetRequiredService<ModelPromptAssets>().Tokenizer));
        services.TryAddSingleton(sp => new EngineMetrics(sp.GetRequiredService<IMeterFactory>()));
        services.TryAddSingleton(sp => new EngineCore(
            sp.GetRequiredService<IModelRunner>(),
            sp.GetRequiredService<ITokenDecoder>(),
            sp.GetRequiredService<IOptions<EngineOptions>>().Value,
            sp.GetRequiredService<ILogger<EngineCore>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<EngineMetrics>()));
        services.TryAddSingleton(sp => new EngineLoop(sp.GetRequiredService<EngineCore>(), sp.GetRequiredService<ILogger<EngineLoop>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IGenerationEngine>(sp => sp.GetRequiredService<EngineLoop>());

        // Jobs -> engine requests -> outcomes.
        services.TryAddSingleton(sp => new MediaFetcher(sp.GetRequiredService<IOptions<MediaOptions>>()));
        services.TryAddSingleton(sp => new MediaLoader(sp.GetRequiredService<MediaFetcher>(), sp.GetRequiredService<IOptions<MediaOptions>>().Value,
            sp.GetRequiredService<ModelPromptAssets>().Media));
        services.TryAddSingleton(sp => new DecodedMemoryBudget(sp.GetRequiredService<IOptions<MediaOptions>>().Value.MaxDecodedBytes));
        services.TryAddSingleton(sp => PreparationSettings.From(
            sp.GetRequiredService<IOptions<EngineHostOptions>>().Value,
            sp.GetRequiredService<IOptions<JobExecutionOptions>>().Value,
            sp.GetRequiredService<IOptions<JobValidationOptions>>().Value,
            sp.GetRequiredService<IOptions<MediaOptions>>().Value,
            sp.GetRequiredService<IOptions<EngineOptions>>().Value,
            sp.GetRequiredService<ModelRunnerInfo>()));
        services.TryAddSingleton(sp => new StructuredOutputs(
            sp.GetRequiredService<ModelPromptAssets>(),
            sp.GetRequiredService<ModelRunnerInfo>(),
            sp.GetRequiredService<IOptions<StructuredOutputOptions>>().Value));
        services.TryAddSingleton(sp => new JobPreparer(
            sp.GetRequiredService<ModelPromptAssets>(),
            sp.GetRequiredService<MediaLoader>(),
            sp.GetRequiredService<ModelRunnerInfo>(),
            sp.GetRequiredService<PreparationSettings>(),
            sp.GetRequiredService<DecodedMemoryBudget>(),
            sp.GetRequiredService<StructuredOutputs>()));
        services.TryAddSingleton(sp => new EngineJobExecutor(
            sp.GetRequiredService<IGenerationEngine>(),
            sp.GetRequiredService<JobPreparer>(),
            sp.GetRequiredService<ModelPromptAssets>(),
            sp.GetRequiredService<ModelRunnerInfo>().ModelName));

        // NOTE: first among the hosted services (they start in order and stop in reverse), whatever the call order.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<LocalEngineHost>()));
        services.AddSingleton<IPromptJobExecutor, LocalEngineExecutor>();
        return services;
    }

    private static void AddBackPressure(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkerOptions>().PostConfigure<IOptions<EngineOptions>, IOptions<EngineHostOptions>>((worker, engine, host) =>
        {
            var concurrency = ConsumerConcurrency.From(engine.Value.MaxNumSeqs, host.Value);
            if (configuration[$"{WorkerOptions.SectionName}:{nameof(WorkerOptions.ConcurrentMessageLimit)}"] is null)
                worker.ConcurrentMessageLimit = concurrency.ConcurrentMessageLimit;
            if (configuration[$"{WorkerOptions.SectionName}:{nameof(WorkerOptions.PrefetchCount)}"] is null)
                worker.PrefetchCount = concurrency.PrefetchCount;
        });
    }
}
