using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Worker.Execution;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>The local engine behind the executor seam: a job waits until the model is loaded and the engine
/// runs (<see cref="LocalEngineHost.Ready"/>), then runs on <see cref="EngineJobExecutor"/>.</summary>
internal sealed class LocalEngineExecutor(LocalEngineHost engine) : IPromptJobExecutor
{
    public async Task<JobOutcome> ExecuteAsync(SubmitPromptJob job, CancellationToken cancellationToken)
    {
        var executor = await engine.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await executor.ExecuteAsync(job, cancellationToken).ConfigureAwait(false);
    }
}
