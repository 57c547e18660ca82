using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InternS1.Batch.Cli.Composition;

/// <summary>
/// Where the composition root chooses the production <c>IPromptJobExecutor</c> (chat template + media +
/// TorchSharp engine on the configured or embedded default model).
/// </summary>
internal static class ExecutorComposition
{
    /// <summary>Registers the executor and returns null, or returns why the worker cannot run.</summary>
    public static string? TryAddExecutor(IServiceCollection services, IConfiguration configuration)
    {
        // NOTE: the executor (template, media, engine) is being built in its own issues and is wired here by
        // the lead. Until then the worker refuses to start instead of producing fake results.
        return "interns1 worker: no model engine is available in this build yet, so the worker refuses to start " +
               "rather than produce fake results. The job executor (chat template + media + TorchSharp engine on the " +
               "embedded default checkpoint from `interns1 model create-tiny`, or Engine:ModelPath) is registered in " +
               "src/InternS1.Batch.Cli/Composition/ExecutorComposition.cs once it lands.";
    }
}
