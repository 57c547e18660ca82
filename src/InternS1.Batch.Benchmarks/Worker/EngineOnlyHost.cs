using System.Diagnostics;
using System.Text.Json.Nodes;
using InternS1.Batch.Worker.Consumers;
using InternS1.Batch.Worker.Preparation;
using InternS1.Engine.Execution;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Running;
using TorchSharp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Benchmarks.Worker;

/// <summary>
/// The engine-only half of <see cref="WorkerBenchmark"/>, in this process: the worker's own engine composition
/// (registered by the caller, as the worker does) in a host without broker or database, kept running between passes.
/// A pass prepares every job first (chat template, tokens, sampling — untimed), then submits them all at once to the
/// <see cref="IGenerationEngine"/>, timed from the first submission to the last result.
/// </summary>
internal sealed class EngineOnlyHost : IAsyncDisposable
{
    private readonly IHost _host;

    private EngineOnlyHost(IHost host) => _host = host;

    /// <summary>The runner's dtype (and why), device and threads.</summary>
    public string Settings => _host.Services.GetRequiredService<IModelRunner>() switch
    {
        TorchModelRunner t => $"{t.Dtype.Name()} ({t.DtypeResolution.Reason}) on {t.Device.Name}, {torch.get_num_threads()} threads",
        var runner => runner.GetType().Name,
    };

    /// <summary>Loads <paramref name="modelDirectory"/> with <paramref name="options"/>' settings and starts the engine.</summary>
    public static async Task<EngineOnlyHost> StartAsync(string modelDirectory, WorkerBenchmarkOptions options,
        Action<IServiceCollection, IConfiguration> addEngine, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = new Dictionary<string, string?> { ["Model:Path"] = modelDirectory };
        foreach (var (key, value) in options.Settings) settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        addEngine(builder.Services, builder.Configuration);
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new EngineOnlyHost(host);
    }

    /// <summary>One pass over <paramref name="jobs"/>: every job must succeed.</summary>
    public async Task<WorkerRun> RunAsync(IReadOnlyList<JsonObject> jobs, CancellationToken ct)
    {
        var preparer = _host.Services.GetRequiredService<JobPreparer>();
        var requests = new List<EngineRequest>(jobs.Count);
        foreach (var job in jobs)
            requests.Add((await preparer.PrepareAsync(JobPayload.Deserialize(job.ToJsonString()), ct).ConfigureAwait(false)).Request);
        var engine = _host.Services.GetRequiredService<IGenerationEngine>();
        var jit = BackgroundJit.Snapshot(Environment.ProcessId);
        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(requests.Select(r => engine.GenerateAsync(r, ct))).ConfigureAwait(false);
        var seconds = watch.Elapsed.TotalSeconds;
        var jitSeconds = BackgroundJit.SecondsBetween(jit, BackgroundJit.Snapshot(Environment.ProcessId));
        if (results.FirstOrDefault(r => r.Error is not null) is { } failed)
            throw new InvalidOperationException($"engine-only: request {failed.RequestId} failed: {failed.Error}");
        return new WorkerRun
        {
            Mode = "engine only (no broker, no database)", Jobs = results.Length,
            CompletionTokens = results.Sum(r => (long)r.OutputTokenIds.Count), Seconds = seconds, BackgroundJitSeconds = jitSeconds,
        };
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
