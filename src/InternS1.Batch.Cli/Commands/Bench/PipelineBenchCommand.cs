using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternS1.Batch.Benchmarks.Pipeline;
using InternS1.Batch.Contracts.Batch;
using InternS1.Batch.Storage;
using InternS1.Batch.Storage.Ledger;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Scratch;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace InternS1.Batch.Cli.Commands.Bench;

/// <summary>
/// <c>interns1 bench pipeline [--jobs N] [--concurrency C] [--json FILE]</c>: jobs/s through RabbitMQ ->
/// worker -> PostgreSQL with an instant executor, for the real worker (group commit) and for a naive
/// consumer that saves each result with its own <c>SaveChanges</c>, in the same run, on a scratch database
/// and scratch queues. Time runs from the first job executed to the last result committed.
/// </summary>
public static class PipelineBenchCommand
{
    public static Command Create()
    {
        var jobs = new Option<int>("--jobs", "-n") { Description = "Jobs per variant", DefaultValueFactory = _ => 3000 };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Prefetch and concurrent message limit", DefaultValueFactory = _ => 64 };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the numbers to this JSON file" };
        var command = new Command("pipeline", "Benchmark the job pipeline (instant executor): group commit vs one SaveChanges per job") { jobs, concurrency, json };
        command.SetAction(async (parseResult, ct) =>
        {
            var n = parseResult.GetValue(jobs);
            var c = parseResult.GetValue(concurrency);
            if (n <= 0 || c <= 0)
            {
                Console.Error.WriteLine("bench pipeline: --jobs and --concurrency must be positive");
                return 2;
            }
            var configuration = InternS1Host.BuildConfiguration();
            var rabbit = RabbitMqAddress.FromConfiguration(configuration);
            var postgres = configuration.GetConnectionString(StorageOptions.ConnectionStringName)
                ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not set");
            await using var scratch = await ScratchEnvironment.CreateAsync(postgres, rabbit, "interns1_bench", ct);
            AnsiConsole.MarkupLine($"Scratch database [blue]{scratch.Database}[/], {n} jobs per variant, prefetch/concurrency {c}.");

            // Warm-up (JIT, connection pools, broker) with a tenth of the jobs, not measured.
            var warmup = Math.Max(50, n / 10);
            await RunAsync("warm-up", warmup, c, scratch, rabbit, naive: false, ct, "warmup-group");
            await RunAsync("warm-up", warmup, c, scratch, rabbit, naive: true, ct, "warmup-naive");
            var grouped = await RunAsync("group commit (worker)", n, c, scratch, rabbit, naive: false, ct, "bench-group");
            var naive = await RunAsync("one SaveChanges per job", n, c, scratch, rabbit, naive: true, ct, "bench-naive");
            var ratio = grouped.JobsPerSecond / naive.JobsPerSecond;

            var table = new Table().Border(TableBorder.Rounded).AddColumns("variant", "jobs", "seconds", "jobs/s", "db transactions for results");
            foreach (var r in new[] { grouped, naive })
                table.AddRow(r.Variant, r.Jobs.ToString(), r.Seconds.ToString("0.000"), r.JobsPerSecond.ToString("0.0"), r.Transactions.ToString());
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"ratio (group commit / naive): [green]{ratio:0.00}x[/]");
            if (parseResult.GetValue(json) is { } file)
            {
                var doc = new JsonObject
                {
                    ["jobs"] = n, ["concurrency"] = c, ["ratio"] = Math.Round(ratio, 3),
                    ["variants"] = new JsonArray(grouped.ToJson(), naive.ToJson()),
                };
                await File.WriteAllTextAsync(file.FullName, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
            }
            return 0;
        });
        return command;
    }

    private static async Task<BenchResult> RunAsync(string variant, int n, int concurrency, ScratchEnvironment scratch, RabbitMqAddress rabbit, bool naive,
        CancellationToken ct, string dataset)
    {
        var queue = scratch.Queue(dataset);
        var builder = InternS1Host.CreateApplicationBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = scratch.ConnectionString,
            ["Worker:QueueName"] = queue,
            ["Worker:PrefetchCount"] = concurrency.ToString(),
            ["Worker:ConcurrentMessageLimit"] = concurrency.ToString(),
            ["Worker:RecordErrorQueues"] = "false",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
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
                        e.PrefetchCount = concurrency;
                        e.ConcurrentMessageLimit = concurrency;
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
            }).ToList(), ct);
        }
        await using (var publisher = await JobPublisher.ConnectAsync(rabbit, queue, ct))
            await publisher.PublishAllAsync(lines.Select(l => (l.JobId, l.Job.ToJsonString())).ToList(), null, ct);

        await host.StartAsync(ct);
        var writer = naive ? null : host.Services.GetRequiredService<ResultWriter>();
        var deadline = Stopwatch.StartNew();
        while ((naive ? counter.Count : writer!.RecordsCommitted) < n)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(10))
                throw new TimeoutException($"{variant}: only {(naive ? counter.Count : writer!.RecordsCommitted)} of {n} jobs finished in 10 minutes");
            await Task.Delay(5, ct);
        }
        var end = Stopwatch.GetTimestamp();
        var seconds = Stopwatch.GetElapsedTime(executor.FirstCallTimestamp, end).TotalSeconds;
        var transactions = naive ? counter.Count : writer!.GroupsCommitted;
        await host.StopAsync(CancellationToken.None);
        return new BenchResult(variant, n, seconds, n / seconds, transactions);
    }

    private sealed record BenchResult(string Variant, int Jobs, double Seconds, double JobsPerSecond, long Transactions)
    {
        public JsonObject ToJson() => new()
        {
            ["variant"] = Variant, ["jobs"] = Jobs, ["seconds"] = Math.Round(Seconds, 4),
            ["jobs_per_second"] = Math.Round(JobsPerSecond, 1), ["transactions"] = Transactions,
        };
    }
}
