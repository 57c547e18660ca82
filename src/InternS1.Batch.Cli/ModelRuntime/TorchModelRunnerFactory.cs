using InternS1.Batch.Cli.EmbeddedModel;
using InternS1.Batch.Worker.Hosting;
using InternS1.Engine.Execution;
using InternS1.Engine.Torch.Running;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Cli.ModelRuntime;

/// <summary>
/// The CLI's <see cref="IModelRunnerFactory"/>: the TorchSharp runner (<see cref="TorchModelRunner"/>) on
/// <see cref="ModelOptions.Path"/>, or on the embedded default model (created on first use) when it is empty,
/// in <see cref="ModelOptions.Dtype"/> with <see cref="ModelOptions.Threads"/>. Used by <c>interns1 worker</c> and
/// <c>interns1 model generate</c>, so both run the same engine composition.
/// </summary>
internal sealed class TorchModelRunnerFactory(ModelOptions model, ILoggerFactory loggers, Action<string>? progress = null) : IModelRunnerFactory
{
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
        _progress($"loading {modelDirectory} ({model.Dtype})");
        return TorchModelRunner.Load(modelDirectory, new TorchRunnerOptions { Dtype = ComputeDtypes.Parse(model.Dtype), Threads = model.Threads },
            loggers.CreateLogger<TorchModelRunner>());
    }
}
