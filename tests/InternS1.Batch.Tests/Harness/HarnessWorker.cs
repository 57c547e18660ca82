using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Worker.ErrorQueue;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Messaging;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Tests.Harness;

/// <summary>
/// The real worker composition (<see cref="WorkerServiceCollectionExtensions.AddInternS1Worker"/>: options, validator,
/// ledger, result writer, the consumer and its definition) on MassTransit's in-memory test harness instead of
/// RabbitMQ, with the deterministic executor and the real PostgreSQL. The broker-side error-queue recorder is off;
/// instead a tap on the in-memory <c>_error</c> queue records what lands there through the same
/// <see cref="FaultedMessage"/> mapping, so a transient fault can be followed to its <c>retries_exhausted</c> row.
/// </summary>
public sealed class HarnessWorker : IAsyncDisposable
{
    private HarnessWorker(IHost host, string queue, DeterministicTestExecutor executor)
    {
        Host = host;
        Queue = queue;
        Executor = executor;
        Harness = host.Services.GetRequiredService<ITestHarness>();
    }

    public IHost Host { get; }

    public string Queue { get; }

    public DeterministicTestExecutor Executor { get; }

    public ITestHarness Harness { get; }

    public static async Task<HarnessWorker> StartAsync(string connectionString, DeterministicTestExecutor executor,
        IDictionary<string, string?>? settings = null)
    {
        var queue = $"harness-{Guid.NewGuid():N}";
        var builder = InternS1Host.CreateApplicationBuilder([]);
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = TestServices.AsWorker(connectionString),
            ["ConnectionStrings:PostgresOwner"] = connectionString,
            // The bus is in memory; the broker is only checked at start (AddInternS1Worker's credential check).
            ["ConnectionStrings:RabbitMq"] = TestServices.RabbitMqUri,
            ["Worker:QueueName"] = queue,
            ["Worker:RecordErrorQueues"] = "false",
            ["Worker:ShutdownTimeout"] = "00:00:05",
            ["Worker:RetryIntervals:0"] = "00:00:00.010",
            ["Worker:RetryIntervals:1"] = "00:00:00.020",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
            values[k] = v;
        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddInternS1Worker(builder.Configuration);
        builder.Services.AddSingleton<IPromptJobExecutor>(executor);
        // NOTE: replaces the RabbitMQ bus of AddInternS1Worker with the in-memory one; the consumer and its
        // definition (endpoint name, concurrency, retry policy) stay as registered.
        builder.Services.AddMassTransitTestHarness(x => x.UsingInMemory((context, cfg) =>
        {
            cfg.ReceiveEndpoint(JobQueueTopology.ErrorQueue(queue), e => e.Handler<SubmitPromptJob>(async faulted =>
            {
                // The fault headers (MT-Fault-*) are transport headers, as they are on RabbitMQ.
                var headers = faulted.ReceiveContext.TransportHeaders.GetAll().ToDictionary(h => h.Key, h => (object?)h.Value);
                var record = FaultedMessage.ToDeadLetter(faulted.ReceiveContext.Body.GetBytes(), headers, faulted.MessageId?.ToString(), fromSkippedQueue: false);
                await context.GetRequiredService<ResultWriter>().WriteDeadLetterAsync(record, CancellationToken.None);
            }));
            cfg.ConfigureEndpoints(context);
        }));
        builder.Services.Configure<TestHarnessOptions>(o =>
        {
            // Generous: the build machines' CPUs are shared, and no test here waits for inactivity.
            o.TestTimeout = TimeSpan.FromMinutes(2);
            o.TestInactivityTimeout = TimeSpan.FromSeconds(30);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new HarnessWorker(host, queue, executor);
    }

    /// <summary>Sends <paramref name="job"/> to the job queue with a chosen message id.</summary>
    public async Task SendAsync(SubmitPromptJob job, Guid? messageId = null)
    {
        var endpoint = await Harness.Bus.GetSendEndpoint(new Uri($"queue:{Queue}"));
        await endpoint.Send(job, c => c.MessageId = messageId ?? NewId.NextGuid());
    }

    /// <summary>Sends <paramref name="job"/> and waits until the consumer has finished with that delivery
    /// (acknowledged: its result or dead letter is committed), or faulted.</summary>
    public async Task<IReceivedMessage<SubmitPromptJob>> ConsumeAsync(SubmitPromptJob job, Guid? messageId = null)
    {
        var id = messageId ?? NewId.NextGuid();
        await SendAsync(job, id);
        var consumer = Harness.GetConsumerHarness<Worker.Consumers.SubmitPromptJobConsumer>();
        Assert.True(await consumer.Consumed.Any<SubmitPromptJob>(m => m.Context.MessageId == id),
            $"job {job.JobId} (message {id}) was not consumed");
        return consumer.Consumed.Select<SubmitPromptJob>(m => m.Context.MessageId == id).First();
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync(TimeSpan.FromSeconds(20));
        Host.Dispose();
    }
}
