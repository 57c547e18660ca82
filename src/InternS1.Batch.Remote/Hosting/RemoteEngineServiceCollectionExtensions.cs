using System.Diagnostics.Metrics;
using InternS1.Batch.Remote.Client;
using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Execution;
using InternS1.Batch.Remote.Health;
using InternS1.Batch.Remote.Options;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Options;
using InternS1.Media;
using InternS1.Media.Config;
using InternS1.Media.Intake;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Remote.Hosting;

/// <summary>Composes the remote engine behind the worker's executor seam (<c>Engine:Mode=remote</c>).</summary>
public static class RemoteEngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the remote engine as the worker's <see cref="IPromptJobExecutor"/>: the client layer
    /// (<see cref="RemoteServiceCollectionExtensions.AddInternS1Remote"/>, section <c>Remote</c>), the worker's media
    /// intake (section <c>Media</c>: the same media root, URL policy, SSRF checks and limits as the local engine) with
    /// our preprocessing settings (<c>Remote:TokenizerPath</c> or Intern-S1's defaults), <c>Engine:DefaultMaxNewTokens</c>,
    /// <see cref="RemoteAdmission"/>, <see cref="RemoteJobExecutor"/>, the readiness check of the endpoints and
    /// <see cref="RemoteEngineHost"/> (first among the hosted services: probes the endpoints before the bus starts,
    /// pauses the intake while every endpoint is down). No model is loaded and TorchSharp is never touched.
    /// Unless <c>Worker:ConcurrentMessageLimit</c> / <c>Worker:PrefetchCount</c> are set, both become
    /// <c>Remote:MaxConcurrency</c> x endpoints + <c>Remote:WaitingMargin</c> (at most 10,000); the jobs that actually
    /// run follow the adaptive limits (<see cref="RemoteAdmission"/>).
    /// </summary>
    public static IServiceCollection AddInternS1RemoteEngine(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddInternS1Remote(hostMonitor: false);
        services.AddOptions<MediaOptions>().BindConfiguration(MediaOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EngineHostOptions>().BindConfiguration(EngineHostOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        AddBackPressure(services, configuration);

        services.TryAddSingleton(sp => new MediaFetcher(sp.GetRequiredService<IOptions<MediaOptions>>()));
        services.TryAddSingleton(sp =>
        {
            var folder = sp.GetRequiredService<IOptions<RemoteOptions>>().Value.TokenizerPath;
            var config = string.IsNullOrEmpty(folder) ? new MediaPreprocessingConfig() : MediaPreprocessingConfig.Load(folder);
            return new MediaLoader(sp.GetRequiredService<MediaFetcher>(), sp.GetRequiredService<IOptions<MediaOptions>>().Value, config);
        });
        services.TryAddSingleton(sp => new RemoteRequestBuilder(sp.GetRequiredService<MediaLoader>(),
            sp.GetRequiredService<IOptions<EngineHostOptions>>().Value.DefaultMaxNewTokens));
        services.TryAddSingleton(sp => new RemoteAdmission(sp.GetRequiredService<EndpointPool>(),
            sp.GetRequiredService<IOptions<RemoteOptions>>().Value.WaitingMargin, sp.GetRequiredService<IMeterFactory>()));
        services.TryAddSingleton(sp => new RemoteJobExecutor(
            sp.GetRequiredService<RemoteChatClient>(),
            sp.GetRequiredService<RemoteRequestBuilder>(),
            sp.GetRequiredService<RemoteAdmission>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RemoteJobExecutor>>()));
        services.AddSingleton<IPromptJobExecutor>(sp => sp.GetRequiredService<RemoteJobExecutor>());
        services.AddHealthChecks().AddCheck<RemoteEndpointsHealthCheck>(RemoteEndpointsHealthCheck.Name, tags: ["ready"]);

        // NOTE: first among the hosted services (they start in order and stop in reverse), whatever the call order.
        services.TryAddSingleton<RemoteEngineHost>();
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<RemoteEngineHost>()));
        return services;
    }

    private static void AddBackPressure(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkerOptions>().PostConfigure<IOptions<RemoteOptions>>((worker, remote) =>
        {
            var endpoints = Math.Max(1, remote.Value.Endpoints.Count);
            var most = (int)Math.Min(10_000L, (long)remote.Value.MaxConcurrency * endpoints + remote.Value.WaitingMargin);
            if (configuration[$"{WorkerOptions.SectionName}:{nameof(WorkerOptions.ConcurrentMessageLimit)}"] is null)
                worker.ConcurrentMessageLimit = most;
            if (configuration[$"{WorkerOptions.SectionName}:{nameof(WorkerOptions.PrefetchCount)}"] is null)
                worker.PrefetchCount = Math.Max(most, worker.ConcurrentMessageLimit);
        });
    }
}
