using System.CommandLine;
using System.Text.Json;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Benchmarks.Pipeline;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Messaging;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace InternS1.Batch.Cli.Commands.Bench;

/// <summary>
/// <c>interns1 bench pipeline [--jobs N] [--concurrency C] [--json FILE]</c>: jobs/s of the worker pipeline
/// with an instant executor, group commit vs one <c>SaveChanges</c> per job (<see cref="PipelineBenchmark"/>).
/// </summary>
public static class PipelineBenchCommand
{
    public static Command Create()
    {
        var jobs = new Option<int>("--jobs", "-n") { Description = "Jobs per variant", DefaultValueFactory = _ => 3000 };
        var concurrency = new Option<int?>("--concurrency", "-c")
        {
            Description = "Prefetch and concurrent message limit of both consumers (default: those of interns1 worker with its local engine, " +
                "Engine:MaxNumSeqs + Engine:WaitingMargin unless Worker:PrefetchCount / Worker:ConcurrentMessageLimit are set)",
        };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the numbers to this JSON file" };
        var command = new Command("pipeline", "Benchmark the job pipeline (instant executor): group commit vs one SaveChanges per job") { jobs, concurrency, json };
        command.SetAction(async (parseResult, ct) =>
        {
            var n = parseResult.GetValue(jobs);
            var c = parseResult.GetValue(concurrency);
            if (n <= 0 || c is <= 0)
            {
                Console.Error.WriteLine("bench pipeline: --jobs and --concurrency must be positive");
                return 2;
            }
            var configuration = InternS1Host.BuildConfiguration();
            var postgres = ScratchDatabaseOwner.From(configuration);
            RabbitMqAddress.FromConfiguration(configuration); // throws, naming the setting, when it is missing or not an AMQP URI
            var rabbit = configuration.GetConnectionString(RabbitMqAddress.ConnectionStringName)!;
            var report = await PipelineBenchmark.RunAsync(n, c, postgres, rabbit,
                database => AnsiConsole.MarkupLine($"Scratch database [blue]{database}[/], {n} jobs per variant, " +
                    (c is { } set ? $"prefetch/concurrency {set}." : "the worker's own prefetch/concurrency.")), ct);

            var table = new Table().Border(TableBorder.Rounded).AddColumns("variant", "jobs", "seconds", "jobs/s", "db transactions for results");
            foreach (var r in new[] { report.Grouped, report.Naive })
                table.AddRow(r.Variant, r.Jobs.ToString(), r.Seconds.ToString("0.000"), r.JobsPerSecond.ToString("0.0"), r.Transactions.ToString());
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"ratio (group commit / naive): [green]{report.Ratio:0.00}x[/]; prefetch {report.PrefetchCount}, " +
                $"concurrent message limit {report.ConcurrentMessageLimit}");
            AnsiConsole.MarkupLine(Markup.Escape($"CPU: {report.Cpu}, {report.Cores} cores; load average {report.LoadBefore} before, {report.LoadAfter} after"));
            if (parseResult.GetValue(json) is { } file)
                await File.WriteAllTextAsync(file.FullName, report.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
            return 0;
        });
        return command;
    }
}
