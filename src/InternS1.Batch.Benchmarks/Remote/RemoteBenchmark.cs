using System.Text.Json.Nodes;
using InternS1.Batch.Benchmarks.Common;
using InternS1.Batch.FakeOpenAi;
using InternS1.Batch.Remote.Client;
using InternS1.Batch.Remote.Health;
using InternS1.Batch.Remote.Hosting;
using InternS1.Batch.Remote.Requests;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Scratch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Benchmarks.Remote;

/// <summary>
/// <c>interns1 bench remote</c>, against the fake OpenAI-compatible server of the tests (<see cref="FakeOpenAiServer"/>:
/// a fixed number of slots, a fixed delay per token), in one run:
/// <list type="number">
/// <item>throughput: jobs/s and tokens/s through the whole worker (RabbitMQ, consumer, remote executor with its
/// adaptive limit, PostgreSQL) against a plain client driving the same server at fixed concurrencies (the best one
/// counts); goal: the worker at 0.9x or more;</item>
/// <item>capacity change: the server's batch goes from <c>Slots</c> to <c>LowSlots</c> for the middle third of the jobs
/// and back, with a short queue (503 past it): the adaptive client against fixed concurrencies; goal: adaptive within
/// 10% of the best fixed value without a storm of 503s.</item>
/// </list>
/// Each variant gets a fresh server; time runs from the first request the server receives to the last job done.
/// </summary>
public static class RemoteBenchmark
{
    private const string Model = "internlm/Intern-S1";

    public static async Task<RemoteBenchmarkReport> RunAsync(RemoteBenchmarkOptions options, string postgres, string rabbitMqUri,
        Action<string>? progress, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { Timeout = Timeout.InfiniteTimeSpan };

        // 1. Throughput: the plain client at fixed concurrencies, then the whole worker.
        var plain = new List<RemoteRunResult>();
        foreach (var c in options.ThroughputConcurrencies)
        {
            progress?.Invoke($"plain client, {c} at once, {options.Jobs} jobs");
            plain.Add(await PlainAsync($"plain client, {c} at once", options, ThroughputServer(options), options.Jobs, c, http, switchCapacity: false, ct).ConfigureAwait(false));
        }
        progress?.Invoke($"whole worker (adaptive), {options.Jobs} jobs");
        var worker = await RemoteWorkerRun.RunAsync(options, ThroughputServer(options), postgres, RabbitMqAddress.Parse(rabbitMqUri), rabbitMqUri, ct).ConfigureAwait(false);

        // 2. Capacity change: fixed concurrencies, then the adaptive limit.
        var (fixedRuns, adaptive) = await RunCapacityChangeAsync(options, options.CapacityConcurrencies, progress, ct).ConfigureAwait(false);

        return new RemoteBenchmarkReport
        {
            Options = options, CpuFeatures = InternS1.Engine.Torch.Hardware.CpuFeatures.Reported.Where(InternS1.Engine.Torch.Hardware.CpuFeatures.Current.Flags.Contains).ToList(), Plain = plain, Worker = worker, Fixed = fixedRuns, Adaptive = adaptive,
        };
    }

    /// <summary>The capacity-change part alone (it needs neither RabbitMQ nor PostgreSQL): the plain client at each of
    /// <paramref name="fixedConcurrencies"/>, then the adaptive limit, each on a fresh server whose capacity changes.</summary>
    public static async Task<(IReadOnlyList<RemoteRunResult> Fixed, RemoteRunResult Adaptive)> RunCapacityChangeAsync(RemoteBenchmarkOptions options,
        IEnumerable<int> fixedConcurrencies, Action<string>? progress, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { Timeout = Timeout.InfiniteTimeSpan };
        var fixedRuns = new List<RemoteRunResult>();
        foreach (var c in fixedConcurrencies)
        {
            progress?.Invoke($"capacity change, fixed {c} at once, {options.CapacityJobs} jobs");
            fixedRuns.Add(await PlainAsync($"fixed {c} at once", options, CapacityServer(options), options.CapacityJobs, c, http, switchCapacity: true, ct).ConfigureAwait(false));
        }
        progress?.Invoke($"capacity change, adaptive, {options.CapacityJobs} jobs");
        var adaptive = await AdaptiveAsync(options, ct).ConfigureAwait(false);
        return (fixedRuns, adaptive);
    }

    internal static FakeServerOptions ThroughputServer(RemoteBenchmarkOptions o) => new()
    {
        Flavor = FakeFlavor.Vllm, Models = [Model], Slots = o.Slots, QueueLimit = 100_000, TokenDelay = o.TokenDelay, ContentTokens = o.CompletionTokens,
    };

    private static FakeServerOptions CapacityServer(RemoteBenchmarkOptions o)
    {
        var server = ThroughputServer(o);
        server.QueueLimit = o.QueueLimit;
        return server;
    }

    private static async Task<RemoteRunResult> PlainAsync(string variant, RemoteBenchmarkOptions options, FakeServerOptions serverOptions, int jobs, int concurrency,
        HttpClient http, bool switchCapacity, CancellationToken ct)
    {
        await using var server = await FakeOpenAiServer.StartAsync(serverOptions).ConfigureAwait(false);
        var client = new PlainStreamingClient(http, server.BaseUrl, Model, options.CompletionTokens);
        using var phases = switchCapacity ? CapacityPhases.Start(server, options, jobs, () => client.Completed) : null;
        await client.RunAsync(jobs, concurrency, ct).ConfigureAwait(false);
        return Result(variant, server, jobs, DateTimeOffset.UtcNow);
    }

    private static async Task<RemoteRunResult> AdaptiveAsync(RemoteBenchmarkOptions options, CancellationToken ct)
    {
        await using var server = await FakeOpenAiServer.StartAsync(CapacityServer(options)).ConfigureAwait(false);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(RemoteSettings(server.BaseUrl)).Build();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddInternS1Remote(hostMonitor: false)
            .BuildServiceProvider();
        var monitor = services.GetRequiredService<RemoteEndpointMonitor>();
        await monitor.StartAsync(ct).ConfigureAwait(false);
        await monitor.FirstRound.WaitAsync(ct).ConfigureAwait(false);
        var client = services.GetRequiredService<RemoteChatClient>();
        var completed = 0;
        using var phases = CapacityPhases.Start(server, options, options.CapacityJobs, () => Volatile.Read(ref completed));
        // Every job at once: the endpoint's adaptive limit, not the caller, decides how many are in flight.
        await Task.WhenAll(Enumerable.Range(0, options.CapacityJobs).Select(async i =>
        {
            await client.CompleteAsync(new RemoteChatRequest
            {
                Messages = [RemoteMessage.FromText("user", $"adaptive job {i}")],
                EnableThinking = false,
                Sampling = new Contracts.Jobs.SamplingSettings { MaxNewTokens = options.CompletionTokens },
                RequestId = $"adaptive-{i}",
            }, ct).ConfigureAwait(false);
            Interlocked.Increment(ref completed);
        })).ConfigureAwait(false);
        var end = DateTimeOffset.UtcNow;
        await monitor.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return Result("adaptive (AIMD)", server, options.CapacityJobs, end);
    }

    /// <summary>The remote settings every adaptive variant runs with: the defaults, except metrics read every second
    /// (the default is 15 s, longer than a quick run) and retries that never give a job up.</summary>
    internal static Dictionary<string, string?> RemoteSettings(string endpoint) => new()
    {
        ["Remote:Endpoints:0"] = endpoint,
        ["Remote:MetricsScrapeInterval"] = "00:00:01",
        ["Remote:HealthProbeInterval"] = "00:00:01",
        ["Remote:MaxRetryAttempts"] = "100",
    };

    internal static RemoteRunResult Result(string variant, FakeOpenAiServer server, int jobs, DateTimeOffset end)
    {
        var chats = server.ChatRequests;
        var start = chats.Min(r => r.ReceivedAt);
        return new RemoteRunResult(variant, jobs, (end - start).TotalSeconds,
            chats.Where(r => r.Status == 200).Sum(r => (long)r.TokensSent), chats.Count(r => r.Status == 503), server.Slots.PeakRunning);
    }

    /// <summary>Full capacity for the first third of the jobs, <c>LowSlots</c> for the second, full again for the last.</summary>
    private sealed class CapacityPhases : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        private CapacityPhases(FakeOpenAiServer server, RemoteBenchmarkOptions options, int jobs, Func<int> completed)
            => _loop = Task.Run(async () =>
            {
                var phase = 0;
                while (!_stop.IsCancellationRequested && phase < 2)
                {
                    var done = completed();
                    if (phase == 0 && done >= jobs / 3)
                    {
                        server.SetSlots(options.LowSlots);
                        phase = 1;
                    }
                    else if (phase == 1 && done >= 2 * jobs / 3)
                    {
                        server.SetSlots(options.Slots);
                        phase = 2;
                    }
                    await Task.Delay(5).ConfigureAwait(false);
                }
            });

        public static CapacityPhases Start(FakeOpenAiServer server, RemoteBenchmarkOptions options, int jobs, Func<int> completed) => new(server, options, jobs, completed);

        public void Dispose()
        {
            _stop.Cancel();
            _loop.Wait();
            _stop.Dispose();
        }
    }
}
