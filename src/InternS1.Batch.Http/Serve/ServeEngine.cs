using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Preparation;
using InternS1.Engine.Core;
using InternS1.Engine.Execution;
using InternS1.Engine.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace InternS1.Batch.Http.Serve;

/// <summary>The local engine as the endpoint uses it, once the model is loaded (<see cref="LocalEngineHost.Ready"/>):
/// the same engine, preparer and executor the worker's jobs run on, from the one container.</summary>
public sealed class ServeEngine(LocalEngineHost host, IServiceProvider services, TimeProvider time)
{
    private Parts? _parts;

    /// <summary>What a request needs of the loaded engine.</summary>
    /// <param name="Engine">The engine loop (<see cref="IGenerationEngine"/> as registered).</param>
    /// <param name="Core">The engine core (its limits, the scheduler's counts).</param>
    /// <param name="Preparer">Job preparation (template, media, token ids).</param>
    /// <param name="Executor">The job executor (completion and accounting of a result).</param>
    /// <param name="Model">The loaded model's facts.</param>
    /// <param name="LoadedAt">When the endpoint first used the loaded model (the <c>created</c> of <c>/v1/models</c>).</param>
    public sealed record Parts(IGenerationEngine Engine, EngineCore Core, JobPreparer Preparer, EngineJobExecutor Executor,
        ModelRunnerInfo Model, DateTimeOffset LoadedAt)
    {
        /// <summary>The name the endpoint answers with (the model folder's).</summary>
        public string ModelName => Model.ModelName;
    }

    /// <summary>The state for <c>/health</c>: <c>healthy</c>, <c>initializing</c> (loading) or <c>unhealthy</c>.</summary>
    public string Status => host.Ready.IsCompletedSuccessfully ? (IsDraining ? "unhealthy" : "healthy")
        : host.Ready.IsCompleted ? "unhealthy" : "initializing";

    /// <summary>Running interactive sequences in the engine (0 before it is loaded).</summary>
    public int RunningInteractive => host.Ready.IsCompletedSuccessfully ? Get().Core.Scheduler.NumRunningInteractive : 0;

    private bool IsDraining => services.GetRequiredService<EngineLoop>().IsDraining;

    /// <summary>The engine's parts; 503 while the model loads or after it failed to.</summary>
    /// <exception cref="ServeException">503 with Retry-After.</exception>
    public Task<Parts> ReadyAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (host.Ready.IsCompletedSuccessfully) return Task.FromResult(Get());
        var why = host.Ready.IsFaulted ? $"the model failed to load ({host.Ready.Exception!.GetBaseException().Message})"
            : host.Ready.IsCanceled ? "the server is stopping" : "the model is still loading";
        throw new ServeException(StatusCodes.Status503ServiceUnavailable, "server_not_ready", $"engine: {why}; retry later",
            retryAfterSeconds: InteractiveAdmission.RetryAfterSeconds);
    }

    private Parts Get() => _parts ??= new Parts(
        services.GetRequiredService<IGenerationEngine>(),
        services.GetRequiredService<EngineCore>(),
        services.GetRequiredService<JobPreparer>(),
        host.Ready.Result,
        services.GetRequiredService<ModelRunnerInfo>(),
        time.GetUtcNow());
}
