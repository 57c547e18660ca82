using System.Text.Json.Nodes;
using InternS1.Batch.FakeOpenAi;
using InternS1.Batch.Remote.Hosting;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Scratch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Benchmarks.Remote;

/// <summary>The worker variant of <c>bench remote</c>: the worker composed as <c>interns1 worker --Engine:Mode=remote</c>
/// composes it, on a scratch database and queue, draining a queue filled beforehand; after a warm-up of four server
/// batches (JIT, connections, the limiter's first windows), which is not timed.</summary>
internal static class RemoteWorkerRun
{
    public static async Task<RemoteRunResult> RunAsync(RemoteBenchmarkOptions options, FakeServerOptions serverOptions, string postgres,
        RabbitMqAddress rabbit, string rabbitMqUri, CancellationToken ct)
    {
        await using var scratch = await ScratchEnvironment.CreateAsync(postgres, rabbit, "interns1_bench_remote", ct).ConfigureAwait(false);
        var queue = scratch.Queue("bench-remote");
        await using var server = await FakeOpenAiServer.StartAsync(serverOptions).ConfigureAwait(false);
        var builder = InternS1Host.CreateApplicationBuilder([]);
        var settings = RemoteBenchmark.RemoteSettings(server.BaseUrl);
        settings["ConnectionStrings:Postgres"] = scratch.ConnectionString;
        settings["ConnectionStrings:RabbitMq"] = rabbitMqUri;
        settings["Worker:QueueName"] = queue;
        settings["Worker:RecordErrorQueues"] = "false";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddInternS1RemoteEngine(builder.Configuration);
        builder.Services.AddInternS1Worker(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync(ct).ConfigureAwait(false);
        var writer = host.Services.GetRequiredService<ResultWriter>();
        try
        {
            await using var publisher = await JobPublisher.ConnectAsync(rabbit, queue, ct).ConfigureAwait(false);
            var warmup = 4 * options.Slots;
            await publisher.PublishAllAsync(Jobs("warmup", warmup, options), null, ct).ConfigureAwait(false);
            await WaitForAsync(writer, warmup, ct).ConfigureAwait(false);

            // The measured jobs: time from the first one the server sees to the last commit.
            var before = server.ChatRequests.Count;
            await publisher.PublishAllAsync(Jobs("bench", options.Jobs, options), null, ct).ConfigureAwait(false);
            await WaitForAsync(writer, warmup + options.Jobs, ct).ConfigureAwait(false);
            var end = DateTimeOffset.UtcNow;
            var measured = server.ChatRequests.Skip(before).ToList();
            var start = measured.Min(r => r.ReceivedAt);
            return new RemoteRunResult("whole worker (adaptive)", options.Jobs, (end - start).TotalSeconds,
                measured.Where(r => r.Status == 200).Sum(r => (long)r.TokensSent), measured.Count(r => r.Status == 503), server.Slots.PeakRunning);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static List<(string JobId, string Json)> Jobs(string prefix, int count, RemoteBenchmarkOptions options) =>
        Enumerable.Range(0, count).Select(i => ($"{prefix}-{i:D6}", new JsonObject
        {
            ["job_id"] = $"{prefix}-{i:D6}", ["dataset"] = prefix, ["custom_id"] = $"c{i:D6}",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"worker job {i}" }),
            ["enable_thinking"] = false,
            ["sampling"] = new JsonObject { ["max_new_tokens"] = options.CompletionTokens },
        }.ToJsonString())).ToList();

    private static async Task WaitForAsync(ResultWriter writer, long records, CancellationToken ct)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (writer.RecordsCommitted < records)
        {
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"bench remote: only {writer.RecordsCommitted} of {records} jobs were committed in 10 minutes");
            await Task.Delay(5, ct).ConfigureAwait(false);
        }
    }
}
