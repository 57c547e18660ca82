using InternS1.Batch.Http.Hosting;
using InternS1.Batch.Storage;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Validation;
using InternS1.Engine.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Http.Serve;

/// <summary>Composes the OpenAI-compatible endpoint.</summary>
public static class ServeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the endpoint's services on top of the local engine (<c>AddInternS1Engine</c>) and storage (the job ledger
    /// and the result writer, which the host must run: the worker does, <c>interns1 serve</c> adds it): options
    /// (<c>Serve</c>, validated on start), <c>Serve:ReservedSeqs</c> passed to the engine's scheduler, the waiting
    /// bound, the structured-answer judge (the consumer's), the request handler and the Prometheus exporter of the service's meters. Map the routes with
    /// <see cref="ServeEndpoints.MapInternS1Serve"/>.
    /// </summary>
    public static IServiceCollection AddInternS1Serve(this IServiceCollection services)
    {
        services.AddOptions<ServeOptions>().BindConfiguration(ServeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EngineOptions>().PostConfigure<IOptions<ServeOptions>>((engine, serve) => engine.ReservedInteractiveSeqs = serve.Value.ReservedSeqs);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServeEngine>();
        services.TryAddSingleton(sp => new InteractiveAdmission(sp.GetRequiredService<IOptions<ServeOptions>>().Value.MaxWaiting,
            () => sp.GetRequiredService<ServeEngine>().RunningInteractive));
        services.TryAddSingleton<StructuredResultValidator>();
        services.TryAddSingleton<ServeChatCompletions>();
        services.TryAddSingleton(sp => new ApiKeys(sp.GetRequiredService<IOptions<ServeOptions>>().Value.ApiKeys));
        services.AddInternS1Prometheus();
        return services;
    }

    /// <summary>
    /// What the endpoint needs when it runs without the worker (<c>interns1 serve</c>; the worker brings all of it):
    /// storage (<c>ConnectionStrings:Postgres</c>, <c>Storage</c>) with the result writer as a hosted service, the job
    /// validator (<c>Validation</c>), migrations on start when <c>Worker:MigrateOnStart</c> is true, and a host
    /// shutdown timeout of <c>Engine:DrainTimeout</c> + 10 s (running requests finish, then the engine drains).
    /// </summary>
    public static IServiceCollection AddInternS1ServeStandalone(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobValidationOptions>().BindConfiguration(JobValidationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SubmitPromptJobValidator>();
        services.AddInternS1Storage(configuration);
        services.AddHostedService<MigrateOnStart>();
        services.AddHostedService(sp => sp.GetRequiredService<ResultWriter>());
        services.AddOptions<HostOptions>().Configure<IOptions<EngineHostOptions>>((host, engine) =>
            host.ShutdownTimeout = engine.Value.DrainTimeout + TimeSpan.FromSeconds(10));
        return services;
    }
}
