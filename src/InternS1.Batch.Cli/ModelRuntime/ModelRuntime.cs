using InternS1.Batch.Cli.EmbeddedModel;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Preparation;
using InternS1.Engine.Configuration;
using InternS1.Engine.Core;
using InternS1.Engine.Output;
using InternS1.Engine.Torch.Running;
using InternS1.Media;
using InternS1.Media.Intake;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Cli.ModelRuntime;

/// <summary>
/// One loaded model, ready to run jobs: the TorchSharp runner, the continuous-batching engine loop on
/// its own thread, the prompt assets (tokenizer, chat template, media settings) and the job executor.
/// Used by <c>interns1 worker</c> and <c>interns1 model generate</c>, so both run the same path.
/// </summary>
public sealed class ModelRuntime : IAsyncDisposable
{
    private readonly TorchModelRunner _runner;
    private readonly MediaFetcher _fetcher;
    private readonly TimeSpan _drainTimeout;

    private ModelRuntime(string modelDirectory, TorchModelRunner runner, EngineLoop loop, ModelPromptAssets assets, MediaFetcher fetcher,
        EngineJobExecutor executor, TimeSpan drainTimeout)
    {
        ModelDirectory = modelDirectory;
        _runner = runner;
        Engine = loop;
        Assets = assets;
        _fetcher = fetcher;
        Executor = executor;
        _drainTimeout = drainTimeout;
    }

    public string ModelDirectory { get; }
    public EngineLoop Engine { get; }
    public ModelPromptAssets Assets { get; }
    public EngineJobExecutor Executor { get; }

    /// <summary>Resolves the model folder (the embedded default when <see cref="ModelOptions.Path"/> is empty),
    /// loads weights and prompt assets, and starts the engine loop.</summary>
    public static async Task<ModelRuntime> StartAsync(ModelOptions model, EngineOptions engine, EngineHostOptions host, JobExecutionOptions execution,
        MediaOptions media, ILoggerFactory loggers, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var dir = string.IsNullOrWhiteSpace(model.Path)
            ? await EmbeddedModelStore.EnsureAsync(progress, cancellationToken)
            : System.IO.Path.GetFullPath(model.Path);
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"Model:Path '{dir}' does not exist (point it at a downloaded internlm/Intern-S1 folder, or leave it empty for the embedded default)");

        progress?.Invoke($"loading {dir} ({model.Dtype})");
        var assets = ModelPromptAssets.Load(dir);
        var runner = TorchModelRunner.Load(dir, new TorchRunnerOptions { Dtype = ComputeDtypes.Parse(model.Dtype), Threads = model.Threads },
            loggers.CreateLogger<TorchModelRunner>());
        try
        {
            var core = new EngineCore(runner, new TokenizerDecoder(assets.Tokenizer), engine, loggers.CreateLogger<EngineCore>());
            var loop = new EngineLoop(core, loggers.CreateLogger<EngineLoop>());
            loop.Start();
            var fetcher = new MediaFetcher(media);
            var preparer = new JobPreparer(assets, new MediaLoader(fetcher, media, assets.Media), runner.Info, host, execution);
            var executor = new EngineJobExecutor(loop, preparer, assets, runner.Info.ModelName);
            return new ModelRuntime(dir, runner, loop, assets, fetcher, executor, host.DrainTimeout);
        }
        catch
        {
            runner.Dispose();
            throw;
        }
    }

    /// <summary>Drains the engine (running requests may finish up to Engine:DrainTimeout, the rest are aborted
    /// and their jobs handed back), then frees the model.</summary>
    public async ValueTask DisposeAsync()
    {
        await Engine.DrainAsync(_drainTimeout);
        await Engine.DisposeAsync();
        _runner.Dispose();
        _fetcher.Dispose();
    }
}
