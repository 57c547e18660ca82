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
/// The same jobs straight to the engine, in this process: the worker's own engine composition (registered by the
/// caller, as the worker does) in a host without broker or database; every job prepared first (chat template,
/// tokens, sampling — untimed); the warm-up jobs submitted at once and awaited (untimed), then the jobs, all at once to
/// the <see cref="IGenerationEngine"/>, timed from the first submission to the last result.
/// </summary>
internal static class EngineOnlyRun
{
    public static async Task<(WorkerRun Run, string Settings)> RunAsync(IReadOnlyList<JsonObject> warmUp, IReadOnlyList<JsonObject> jobs, string modelDirectory,
        WorkerBenchmarkOptions options, Action<IServiceCollection, IConfiguration> addEngine, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = new Dictionary<string, string?> { ["Model:Path"] = modelDirectory };
        foreach (var (key, value) in options.Settings) settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        addEngine(builder.Services, builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync(ct).ConfigureAwait(false);
        try
        {
            var preparer = host.Services.GetRequiredService<JobPreparer>();
            async Task<List<EngineRequest>> PrepareAsync(IReadOnlyList<JsonObject> list)
            {
                var prepared = new List<EngineRequest>(list.Count);
                foreach (var job in list)
                    prepared.Add((await preparer.PrepareAsync(JobPayload.Deserialize(job.ToJsonString()), ct).ConfigureAwait(false)).Request);
                return prepared;
            }
            var engine = host.Services.GetRequiredService<IGenerationEngine>();
            async Task<EngineResult[]> GenerateAllAsync(List<EngineRequest> requests)
            {
                var results = await Task.WhenAll(requests.Select(r => engine.GenerateAsync(r, ct))).ConfigureAwait(false);
                if (results.FirstOrDefault(r => r.Error is not null) is { } failed)
                    throw new InvalidOperationException($"engine-only: request {failed.RequestId} failed: {failed.Error}");
                return results;
            }
            await GenerateAllAsync(await PrepareAsync(warmUp).ConfigureAwait(false)).ConfigureAwait(false);
            var requests = await PrepareAsync(jobs).ConfigureAwait(false);
            var watch = Stopwatch.StartNew();
            var results = await GenerateAllAsync(requests).ConfigureAwait(false);
            var seconds = watch.Elapsed.TotalSeconds;
            var runner = host.Services.GetRequiredService<IModelRunner>();
            var run = new WorkerRun
            {
                Mode = "engine only (no broker, no database)", Jobs = results.Length,
                CompletionTokens = results.Sum(r => (long)r.OutputTokenIds.Count), Seconds = seconds,
            };
            return (run, Describe(runner));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The TorchSharp runner's dtype (and why), device and threads.</summary>
    private static string Describe(IModelRunner runner) => runner is TorchModelRunner t
        ? $"{t.Dtype.Name()} ({t.DtypeResolution.Reason}) on {t.Device.Name}, {torch.get_num_threads()} threads"
        : runner.GetType().Name;
}
