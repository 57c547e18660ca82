using InternS1.Batch.Cli.ModelRuntime;
using InternS1.Batch.Remote.Hosting;
using InternS1.Batch.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Cli.Composition;

/// <summary>
/// Where the composition root chooses the worker's engine, the one place <c>Engine:Mode</c> is read:
/// <c>local</c> (default) = the local engine (<c>AddInternS1Engine</c>) on the TorchSharp runner, on <c>Model:Path</c>
/// or the embedded default model; <c>remote</c> = OpenAI-compatible servers on <c>Remote:Endpoints</c>
/// (<c>AddInternS1RemoteEngine</c>), where no model is loaded and TorchSharp is never initialised.
/// </summary>
internal static class ExecutorComposition
{
    /// <summary>Registers the engine and its executor (the engine's hosted service starts before the bus and
    /// drains after it, whatever the order of the calls); returns null, or why the worker cannot run.</summary>
    public static string? TryAddExecutor(IServiceCollection services, IConfiguration configuration)
    {
        EngineMode mode;
        try
        {
            mode = EngineModes.Read(configuration);
        }
        catch (WorkerCompositionException e)
        {
            return $"interns1 worker: {e.Message}";
        }
        if (mode == EngineMode.Remote)
        {
            services.AddInternS1RemoteEngine(configuration);
            return null;
        }
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddInternS1Engine(configuration, sp => new TorchModelRunnerFactory(
            sp.GetRequiredService<IOptions<ModelOptions>>().Value, sp.GetRequiredService<ILoggerFactory>()));
        return null;
    }
}
