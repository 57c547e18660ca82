using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Preparation;
using InternS1.Engine.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>
/// The local engine's life in the host (eShop's draining hosted service). On start: resolves the model
/// folder (<see cref="IModelRunnerFactory"/>), loads the prompt assets from it, then builds the engine from
/// the container (the runner, <see cref="EngineCore"/> sizing and allocating the KV cache, its metrics) and
/// starts the <see cref="EngineLoop"/> thread; then, unless <c>Engine:WarmUp</c> is false, warms up job preparation
/// (<see cref="PreparationWarmUp"/>). On stop (registered first, so after the bus has stopped taking
/// messages and drained): stops admitting, lets running requests finish for <c>Engine:DrainTimeout</c>,
/// aborts the rest (their jobs are handed back) and ends the engine thread; the container then frees the model.
/// Jobs that arrive while the model loads wait for <see cref="Ready"/>.
/// </summary>
public sealed partial class LocalEngineHost(
    IModelRunnerFactory factory,
    IServiceProvider services,
    IOptions<EngineHostOptions> options,
    ILogger<LocalEngineHost> logger) : IHostedService
{
    private readonly TaskCompletionSource<EngineJobExecutor> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _modelDirectory;

    /// <summary>The model folder being served.</summary>
    /// <exception cref="InvalidOperationException">Before the host started.</exception>
    public string ModelDirectory => _modelDirectory
        ?? throw new InvalidOperationException("The model is not loaded yet: the local engine loads it when the host starts.");

    /// <summary>Completes with the job executor once the model is loaded and the engine runs; faults when
    /// loading failed, is cancelled when the host stopped first.</summary>
    public Task<EngineJobExecutor> Ready => _ready.Task;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _modelDirectory = await factory.ResolveModelDirectoryAsync(cancellationToken).ConfigureAwait(false);
            // NOTE: the prompt assets first: a broken tokenizer or template fails before the weights load.
            services.GetRequiredService<ModelPromptAssets>();
            var loop = services.GetRequiredService<EngineLoop>();
            loop.Start();
            var executor = services.GetRequiredService<EngineJobExecutor>();
            if (options.Value.WarmUp) await WarmUpAsync(cancellationToken).ConfigureAwait(false);
            var config = loop.Core.Config;
            LogReady(_modelDirectory, loop.Model.NumLayers, loop.Model.KvBytesPerToken, config.MaxNumSeqs, config.MaxNumBatchedTokens);
            _ready.SetResult(executor);
        }
        catch (Exception e)
        {
            _ready.TrySetException(e);
            throw;
        }
    }

    /// <summary>How long the warm-up of job preparation took (<c>Engine:WarmUp</c>); null when it did not run (off, not
    /// started yet, or the model's template refused the sample job).</summary>
    public TimeSpan? WarmUpTime { get; private set; }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_ready.Task.IsCompletedSuccessfully)
        {
            _ready.TrySetCanceled(cancellationToken);
            return;
        }
        var loop = services.GetRequiredService<EngineLoop>();
        await loop.DrainAsync(options.Value.DrainTimeout, cancellationToken).ConfigureAwait(false);
        await loop.DisposeAsync().ConfigureAwait(false);
    }

    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            WarmUpTime = await PreparationWarmUp.RunAsync(services.GetRequiredService<JobPreparer>(), cancellationToken).ConfigureAwait(false);
            LogWarmedUp(WarmUpTime.Value.TotalMilliseconds);
        }
        catch (JobPreparationException e)
        {
            // NOTE: not a reason to refuse to start: a job's own content decides whether it can be prepared.
            LogWarmUpRefused(e.ReasonCode, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up: prepared a sample job in {Milliseconds:F0} ms (Engine:WarmUp); nothing reached the engine")]
    private partial void LogWarmedUp(double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up skipped: the sample job could not be prepared ({ReasonCode}: {Message})")]
    private partial void LogWarmUpRefused(string reasonCode, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model} ready: {Layers} layers, KV {KvBytesPerToken} B/token, engine max {MaxNumSeqs} sequences / {MaxTokens} tokens per step")]
    private partial void LogReady(string model, int layers, long kvBytesPerToken, int maxNumSeqs, int maxTokens);
}
