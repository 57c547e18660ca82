using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Cli.Tests.RealModel;

/// <summary>The worker exactly as <c>interns1 worker</c> composes it (real executor: template, media, TorchSharp
/// engine), in the test process, on a given model folder.</summary>
public static class RealModelWorker
{
    public static async Task<IHost> StartAsync(string connectionString, string queue, string modelDirectory, IDictionary<string, string?> settings)
    {
        var builder = InternS1Host.CreateApplicationBuilder([]);
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = TestServices.AsWorker(connectionString),
            ["ConnectionStrings:PostgresOwner"] = connectionString,
            ["ConnectionStrings:RabbitMq"] = TestServices.RabbitMqUri,
            ["Worker:QueueName"] = queue,
            ["Worker:ShutdownTimeout"] = "00:00:05",
            ["Worker:RetryIntervals:0"] = "00:00:00.100",
            ["Model:Path"] = modelDirectory,
            ["Model:Dtype"] = "float32",
            ["Engine:MaxNumSeqs"] = "8",
            ["Engine:KvCacheBytes"] = (64L << 20).ToString(),
            ["Engine:DefaultMaxNewTokens"] = "8",
        };
        foreach (var (k, v) in settings)
            values[k] = v;
        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        Assert.Null(ExecutorComposition.TryAddExecutor(builder.Services, builder.Configuration));
        builder.Services.AddInternS1Worker(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
