using InternS1.Engine.Execution;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>
/// Where the local engine's model comes from; the composition root registers one with
/// <see cref="EngineServiceCollectionExtensions.AddInternS1Engine"/> (the CLI: the TorchSharp runner on
/// <c>Model:Path</c> or the embedded default model; tests: a test runner). Called once, when the host starts.
/// </summary>
public interface IModelRunnerFactory
{
    /// <summary>The model folder to serve, made ready if needed (e.g. the embedded default model is created on
    /// first use). Its tokenizer, chat template and processor configs become the prompt assets.</summary>
    Task<string> ResolveModelDirectoryAsync(CancellationToken cancellationToken);

    /// <summary>Loads the runner of the model in <paramref name="modelDirectory"/> (the engine owns and disposes it).</summary>
    IModelRunner Load(string modelDirectory);
}
