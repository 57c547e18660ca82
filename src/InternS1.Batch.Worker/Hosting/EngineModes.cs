using Microsoft.Extensions.Configuration;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>Reads <c>Engine:Mode</c>. The composition root calls it once, before anything of either engine is
/// registered, and composes exactly one of them.</summary>
public static class EngineModes
{
    /// <summary>The configuration key.</summary>
    public const string Key = "Engine:Mode";

    /// <summary>The mode configured, <see cref="EngineMode.Local"/> when the key is absent or empty.</summary>
    /// <exception cref="WorkerCompositionException">Any other value than <c>local</c> or <c>remote</c>.</exception>
    public static EngineMode Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[Key]?.Trim();
        if (string.IsNullOrEmpty(value) || value.Equals("local", StringComparison.OrdinalIgnoreCase))
            return EngineMode.Local;
        if (value.Equals("remote", StringComparison.OrdinalIgnoreCase))
            return EngineMode.Remote;
        throw new WorkerCompositionException($"{Key}: '{value}' is not an engine mode; use local (the in-process engine, the default) or remote (OpenAI-compatible servers on Remote:Endpoints).");
    }
}
