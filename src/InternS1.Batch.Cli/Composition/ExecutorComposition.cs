using InternS1.Batch.Cli.ModelRuntime;
using InternS1.Batch.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Cli.Composition;

/// <summary>
/// Where the composition root chooses the worker's engine: the local engine (<c>AddInternS1Engine</c>) on the
/// TorchSharp runner, on <c>Model:Path</c> or the embedded default model.
/// </summary>
internal static class ExecutorComposition
{
    /// <summary>Registers the engine and its executor (the engine's hosted service starts before the bus and
    /// drains after it, whatever the order of the calls); returns null, or why the worker cannot run.</summary>
    public static string? TryAddExecutor(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddInternS1Engine(configuration, sp => new TorchModelRunnerFactory(
            sp.GetRequiredService<IOptions<ModelOptions>>().Value, sp.GetRequiredService<ILoggerFactory>()));
        return null;
    }
}
