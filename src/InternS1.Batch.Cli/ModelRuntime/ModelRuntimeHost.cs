using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Preparation;
using InternS1.Engine.Configuration;
using InternS1.Media;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Cli.ModelRuntime;

/// <summary>
/// The worker's engine host and its <see cref="IPromptJobExecutor"/>: loads the model and starts the
/// engine loop when the host starts (registered before the bus, so the model is ready before the
/// first message), and on stop — after the bus has stopped taking messages and drained its
/// consumers — drains the engine and frees the model. A job that arrives while the model is still
/// loading waits for it.
/// </summary>
public sealed class ModelRuntimeHost(
    IOptions<ModelOptions> model,
    IOptions<EngineOptions> engine,
    IOptions<EngineHostOptions> host,
    IOptions<JobExecutionOptions> execution,
    IOptions<MediaOptions> media,
    ILoggerFactory loggers,
    ILogger<ModelRuntimeHost> logger) : IHostedService, IPromptJobExecutor
{
    private readonly TaskCompletionSource<ModelRuntime> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        engine.Value.ValidateOrThrow();
        try
        {
            var runtime = await ModelRuntime.StartAsync(model.Value, engine.Value, host.Value, execution.Value, media.Value, loggers,
                m => logger.LogInformation("{Message}", m), cancellationToken);
            logger.LogInformation("Model {Model} ready: {Layers} layers, KV {KvBytesPerToken} B/token, engine max {MaxNumSeqs} sequences / {MaxTokens} tokens per step",
                runtime.ModelDirectory, runtime.Engine.Model.NumLayers, runtime.Engine.Model.KvBytesPerToken, engine.Value.MaxNumSeqs, engine.Value.MaxNumBatchedTokens);
            _ready.SetResult(runtime);
        }
        catch (Exception e)
        {
            _ready.TrySetException(e);
            throw;
        }
    }

    public async Task<JobOutcome> ExecuteAsync(SubmitPromptJob job, CancellationToken cancellationToken)
    {
        var runtime = await _ready.Task.WaitAsync(cancellationToken);
        return await runtime.Executor.ExecuteAsync(job, cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_ready.Task.IsCompletedSuccessfully)
            await _ready.Task.Result.DisposeAsync();
        else
            _ready.TrySetCanceled(cancellationToken);
    }
}
