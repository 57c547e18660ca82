using InternS1.Batch.Storage.Writing;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>The real worker composition (AddInternS1Worker) in the test process, with the deterministic executor. It
/// connects as the worker's login role (<see cref="TestServices.AsWorker"/>); migrations run as the given role.</summary>
public sealed class InProcessWorker : IAsyncDisposable
{
    private InProcessWorker(IHost host, DeterministicTestExecutor executor, LogCapture logs)
    {
        Host = host;
        Executor = executor;
        Logs = logs;
    }

    public IHost Host { get; }

    public DeterministicTestExecutor Executor { get; }

    /// <summary>The warnings and errors the worker logged.</summary>
    public LogCapture Logs { get; }

    public ResultWriter Writer => Host.Services.GetRequiredService<ResultWriter>();

    public static async Task<InProcessWorker> StartAsync(string connectionString, string queue, DeterministicTestExecutor executor,
        IDictionary<string, string?>? settings = null)
    {
        var builder = InternS1Host.CreateApplicationBuilder([]);
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = TestServices.AsWorker(connectionString),
            ["ConnectionStrings:PostgresOwner"] = connectionString,
            ["ConnectionStrings:RabbitMq"] = TestServices.RabbitMqUri,
            ["Worker:QueueName"] = queue,
            ["Worker:PrefetchCount"] = "16",
            ["Worker:ConcurrentMessageLimit"] = "16",
            ["Worker:ShutdownTimeout"] = "00:00:05",
            ["Worker:RetryIntervals:0"] = "00:00:00.100",
            ["Worker:RetryIntervals:1"] = "00:00:00.200",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
            values[k] = v;
        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var logs = new LogCapture();
        builder.Logging.AddProvider(logs);
        builder.Services.AddInternS1Worker(builder.Configuration);
        builder.Services.AddSingleton<IPromptJobExecutor>(executor);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            // A start that fails part-way (a taken port) leaves the hosted services started before it running.
            await host.StopAsync();
            host.Dispose();
            throw;
        }
        return new InProcessWorker(host, executor, logs);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync(TimeSpan.FromSeconds(20));
        Host.Dispose();
    }
}
