namespace InternS1.Batch.Worker.Hosting;

/// <summary>Which engine runs the jobs (configuration <c>Engine:Mode</c>, case-insensitive; read by
/// <see cref="EngineModes.Read"/> in the composition root).</summary>
public enum EngineMode
{
    /// <summary><c>local</c> (default): the in-process TorchSharp engine on <c>Model:Path</c>.</summary>
    Local,

    /// <summary><c>remote</c>: OpenAI-compatible servers (LMDeploy, vLLM, SGLang, Ollama) on <c>Remote:Endpoints</c>;
    /// no model is loaded in the worker.</summary>
    Remote,
}
