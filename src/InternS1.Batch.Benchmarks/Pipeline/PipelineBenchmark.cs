using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using InternS1.Batch.Contracts.Batch;
using InternS1.Engine.Configuration;
using InternS1.Batch.Storage;
using InternS1.Batch.Storage.Ledger;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Scratch;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Benchmarks.Pipeline;

/// <summary>
/// <c>interns1 bench pipeline</c>: jobs/s through RabbitMQ -> worker -> PostgreSQL with an instant executor,
/// for the real worker (group commit) and for a naive consumer that starts and saves each job on its own
/// (one start, one <c>SaveChanges</c>, per job), in the same run, on a scratch database and scratch queues. Time runs
/// from the first job executed to the last result committed.
/// NOTE: the worker variant is the product as shipped: <see cref="WorkerServiceCollectionExtensions.AddInternS1Worker"/>
/// with the default worker, storage and logging settings; only the engine is replaced, by <see cref="InstantBenchExecutor"/>,
/// which lives in this project only. Its prefetch and concurrency are those the worker derives from its local engine
/// (<see cref="ConsumerConcurrency"/>: <c>Engine:MaxNumSeqs</c> + <c>Engine:WaitingMargin</c>, unless
/// <c>Worker:PrefetchCount</c> / <c>Worker:ConcurrentMessageLimit</c> are configured), unless the caller sets them.
/// </summary>
public static class PipelineBenchmark
{
    /// <summary>Warms up both variants with a tenth of the jobs (at least 50), then measures each on
    /// <paramref name="jobs"/> jobs. <paramref name="started"/> gets the scratch database's name.</summary>
    /// <param name="jobs">Jobs per variant.</param>
    /// <param name="concurrency">Prefetch and concurrent message limit of both consumers; null: what the worker with
    /// its local engine uses (<see cref="ShippedBackPressure"/>), also for the naive consumer.</param>
    /// <param name="postgres">A connection string whose user may create databases.</param>
    /// <param name="rabbitMqUri">The broker (an <c>amqp://</c> URI): for the publisher and both consumers.</param>
    /// <param name="started">Called once the scratch database exists.</param>
    /// <param name="ct">Cancels the run.</param>
    public static async Task<PipelineBenchmarkReport> RunAsync(int jobs, int? concurrency, string postgres, string rabbitMqUri,
        Action<string>? started, CancellationToken ct)
    {
        var rabbit = RabbitMqAddress.Parse(rabbitMqUri);
        await using var scratch = await ScratchEnvironment.CreateAsync(postgres, rabbit, "interns1_bench", ct).ConfigureAwait(false);
        started?.Invoke(scratch.Database);
        var loadBefore = LoadAverage();
        var (prefetch, limit) = concurrency is { } c ? (c, c) : ShippedBackPressure(InternS1Host.BuildConfiguration());

        // Warm-up (JIT, connection pools, broker) with a tenth of the jobs, not measured.
        var warmup = Math.Max(50, jobs / 10);
        await RunAsync("warm-up", warmup, prefetch, limit, scratch, rabbit, naive: false, rabbitMqUri, ct, "warmup-group").ConfigureAwait(false);
        await RunAsync("warm-up", warmup, prefetch, limit, scratch, rabbit, naive: true, rabbitMqUri, ct, "warmup-naive").ConfigureAwait(false);
        var grouped = await RunAsync("group commit (worker)", jobs, prefetch, limit, scratch, rabbit, naive: false, rabbitMqUri, ct, "bench-group").ConfigureAwait(false);
        var naive = await RunAsync("one SaveChanges per job", jobs, prefetch, limit, scratch, rabbit, naive: true, rabbitMqUri, ct, "bench-naive").ConfigureAwait(false);
        return new PipelineBenchmarkReport
        {
            Jobs = jobs, Grouped = grouped, Naive = naive,
            Cpu = InternS1.Engine.Torch.Hardware.CpuFeatures.Current.Summary, Cores = Environment.ProcessorCount,
            LoadBefore = loadBefore, LoadAfter = LoadAverage(),
            PrefetchCount = prefetch, ConcurrentMessageLimit = limit,
        };
    }

    private static async Task<PipelineRunResult> RunAsync(string variant, int n, int prefetch, int limit, ScratchEnvironment scratch, RabbitMqAddress rabbit, bool naive,
        string rabbitMqUri, CancellationToken ct, string dataset)
    {
        var queue = scratch.Queue(dataset);
        var builder = InternS1Host.CreateApplicationBuilder([]);
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = scratch.ConnectionString,
            ["ConnectionStrings:RabbitMq"] = rabbitMqUri,
            ["Worker:QueueName"] = queue,
            ["Worker:PrefetchCount"] = prefetch.ToString(CultureInfo.InvariantCulture),
            ["Worker:ConcurrentMessageLimit"] = limit.ToString(CultureInfo.InvariantCulture),
        };
        builder.Configuration.AddInMemoryCollection(settings);
        // NOTE: the hosts' start and stop lines (once per variant) would land in the middle of the report; nothing per job is filtered.
        builder.Logging.AddFilter(typeof(WorkerLifetime).FullName, LogLevel.Warning).AddFilter(typeof(BusStartWatch).FullName, LogLevel.Warning);
        var executor = new InstantBenchExecutor();
        var counter = new NaiveCounter();
        if (naive)
        {
            builder.Services.AddInternS1Storage(builder.Configuration);
            builder.Services.AddSingleton<IPromptJobExecutor>(executor);
            builder.Services.AddSingleton(counter);
            builder.Services.AddMassTransit(x =>
            {
                x.AddConsumer<NaiveSaveChangesConsumer>();
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, h => { h.Username(rabbit.Username); h.Password(rabbit.Password); });
                    cfg.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
                    cfg.ReceiveEndpoint(queue, e =>
                    {
                        e.PrefetchCount = prefetch;
                        e.ConcurrentMessageLimit = limit;
                        e.SetQuorumQueue();
                        e.ConfigureConsumeTopology = false;
                        e.ConfigureConsumer<NaiveSaveChangesConsumer>(context);
                    });
                });
            });
        }
        else
        {
            builder.Services.AddInternS1Worker(builder.Configuration);
            builder.Services.AddSingleton<IPromptJobExecutor>(executor);
        }
        using var host = builder.Build();

        // Fill the queue before the consumer starts, so the run measures consumption only.
        var lines = Enumerable.Range(0, n).Select(i => new JobLine(i + 1, $"{dataset}-{i:D6}", $"c{i:D6}", new JsonObject
        {
            ["job_id"] = $"{dataset}-{i:D6}", ["dataset"] = dataset, ["custom_id"] = $"c{i:D6}",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"Say ok ({i})" }),
        })).ToList();
        var ledger = host.Services.GetRequiredService<JobLedger>();
        foreach (var chunk in lines.Chunk(1000))
        {
            await ledger.RegisterQueuedAsync(dataset, chunk.Select(l => new JobAdmission
            {
                JobId = l.JobId, Dataset = dataset, CustomId = l.CustomId, PayloadJson = l.Job.ToJsonString(),
            }).ToList(), ct).ConfigureAwait(false);
        }
        await using (var publisher = await JobPublisher.ConnectAsync(rabbit, queue, ct).ConfigureAwait(false))
            await publisher.PublishAllAsync(lines.Select(l => (l.JobId, l.Job.ToJsonString())).ToList(), null, ct).ConfigureAwait(false);

        await host.StartAsync(ct).ConfigureAwait(false);
        var writer = naive ? null : host.Services.GetRequiredService<ResultWriter>();
        var deadline = Stopwatch.StartNew();
        while ((naive ? counter.Count : writer!.RecordsCommitted) < n)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(10))
                throw new TimeoutException($"{variant}: only {(naive ? counter.Count : writer!.RecordsCommitted)} of {n} jobs finished in 10 minutes");
            await Task.Delay(5, ct).ConfigureAwait(false);
        }
        var end = Stopwatch.GetTimestamp();
        var seconds = Stopwatch.GetElapsedTime(executor.FirstCallTimestamp, end).TotalSeconds;
        var transactions = naive ? counter.Count : writer!.GroupsCommitted;
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return new PipelineRunResult(variant, n, seconds, n / seconds, transactions);
    }

    /// <summary>The prefetch and concurrent message limit of <c>interns1 worker</c> with its local engine under
    /// <paramref name="configuration"/>: the configured <c>Worker:</c> values, else <c>Engine:MaxNumSeqs</c> +
    /// <c>Engine:WaitingMargin</c> (<see cref="ConsumerConcurrency"/>, as the engine composition derives them).</summary>
    public static (int PrefetchCount, int ConcurrentMessageLimit) ShippedBackPressure(IConfiguration configuration)
    {
        var engineSection = configuration.GetSection(EngineHostOptions.SectionName);
        var derived = ConsumerConcurrency.From(engineSection.Get<EngineOptions>()?.MaxNumSeqs ?? new EngineOptions().MaxNumSeqs,
            engineSection.Get<EngineHostOptions>() ?? new EngineHostOptions());
        var worker = configuration.GetSection(WorkerOptions.SectionName);
        return (Configured(worker[nameof(WorkerOptions.PrefetchCount)]) ?? derived.PrefetchCount,
            Configured(worker[nameof(WorkerOptions.ConcurrentMessageLimit)]) ?? derived.ConcurrentMessageLimit);
    }

    private static int? Configured(string? value) => value is null ? null : int.Parse(value, CultureInfo.InvariantCulture);

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "";
}
