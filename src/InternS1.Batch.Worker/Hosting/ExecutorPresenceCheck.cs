using InternS1.Batch.Worker.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>Stops the worker from starting when the composition root registered no
/// <see cref="IPromptJobExecutor"/> (the worker never invents results).</summary>
internal sealed class ExecutorPresenceCheck(IServiceProviderIsService services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!services.IsService(typeof(IPromptJobExecutor)))
            throw new WorkerCompositionException(
                "No IPromptJobExecutor is registered: the worker has nothing to run jobs with and refuses to start. " +
                "Register the engine with AddInternS1Engine (or, in tests, an IPromptJobExecutor of your own).");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
