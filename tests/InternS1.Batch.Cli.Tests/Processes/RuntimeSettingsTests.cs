using System.Text.Json.Nodes;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary>The runtime settings every <c>interns1</c> process starts with (the worker and the bench commands share them, so
/// a benchmark runs as the worker does): read from the <c>interns1.runtimeconfig.json</c> that the build writes next to the
/// executable, which is the file the .NET host applies.</summary>
public class RuntimeSettingsTests
{
    private static JsonObject ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "interns1.runtimeconfig.json");
        return JsonNode.Parse(File.ReadAllText(path))!["runtimeOptions"]!["configProperties"]!.AsObject();
    }

    [Fact]
    public void The_executable_runs_with_tiered_compilation_and_without_thread_pool_spinning_on_workstation_gc()
    {
        var properties = ConfigProperties();

        // NOTE: tiering stays on (absent = the runtime's default, on): see the csproj note on TorchSharp's scalars
        Assert.True(properties["System.Runtime.TieredCompilation"]?.GetValue<bool>() ?? true);
        Assert.Equal("0", properties["System.Threading.ThreadPool.UnfairSemaphoreSpinLimit"]!.ToString());
        Assert.False(properties["System.GC.Server"]!.GetValue<bool>());
    }
}
