using InternS1.Batch.Cli.EmbeddedModel;
using InternS1.Batch.Worker.Hosting;
using InternS1.Engine.Execution;
using InternS1.Engine.Torch.Running;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Cli.ModelRuntime;

/// <summary>
/// The CLI's <see cref="IModelRunnerFactory"/>: the TorchSharp runner (<see cref="TorchModelRunner"/>) on
/// <see cref="ModelOptions.Path"/>, or on the embedded default model (created on first use) when it is empty,
/// in <see cref="ModelOptions.Dtype"/> on <see cref="ModelOptions.Device"/> with <see cref="ModelOptions.Threads"/>,
/// after applying <see cref="ModelOptions.KeepFreedMemory"/> to the process heap. Used by <c>interns1 worker</c>,
/// <c>interns1 model generate</c> and <c>interns1 bench worker</c>, so all run the same engine composition.
/// </summary>
internal sealed class TorchModelRunnerFactory(ModelOptions model, ILoggerFactory loggers, Action<string>? progress = null) : IModelRunnerFactory
{
    private readonly ILogger _logger = loggers.CreateLogger<TorchModelRunnerFactory>();
    private readonly Action<string> _progress = progress ?? (m => loggers.CreateLogger<TorchModelRunnerFactory>().LogInformation("{Message}", m));

    public async Task<string> ResolveModelDirectoryAsync(CancellationToken cancellationToken)
    {
        var dir = string.IsNullOrWhiteSpace(model.Path)
            ? await EmbeddedModelStore.EnsureAsync(_progress, cancellationToken)
            : Path.GetFullPath(model.Path);
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"Model:Path '{dir}' does not exist (point it at a downloaded internlm/Intern-S1 folder, or leave it empty for the embedded default)");
        return dir;
    }

    public IModelRunner Load(string modelDirectory)
    {
        // NOTE: before the weights are allocated, so they and every later temporary come from the kept heap.
        try
        {
            ComputeDeviceResolution.ResolveHere(model.Device);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"Model:Device={model.Device}: {e.Message}", e);
        }
        _logger.LogInformation("{Heap}", ProcessHeap.Apply(model.KeepFreedMemory));
        _progress($"loading {modelDirectory} (Model:Dtype={model.Dtype}, Model:Device={model.Device})");
        var runner = TorchModelRunner.Load(modelDirectory, new TorchRunnerOptions
        {
            Dtype = ComputeDtypes.ParseSetting(model.Dtype), Device = model.Device, Threads = model.Threads,
        }, loggers.CreateLogger<TorchModelRunner>());
        if (GlibcHeap.Statistics() is { } heap)
            _logger.LogInformation("Heap after loading {WeightBytes} weight bytes: {Statistics}", runner.WeightBytes, heap);
        return runner;
    }
}
