using System.CommandLine;
using System.Text.Json;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Benchmarks.Remote;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Messaging;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace InternS1.Batch.Cli.Commands.Bench;

/// <summary>
/// <c>interns1 bench remote [--quick] [--slots N] [--jobs N] [--json FILE]</c>: the remote engine against the fake
/// OpenAI-compatible server (<see cref="RemoteBenchmark"/>): the whole worker vs a plain client at its best fixed
/// concurrency, and the adaptive limit vs fixed concurrencies while the server's capacity changes.
/// </summary>
public static class RemoteBenchCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "A sixth of the jobs (about a minute)" };
        var slots = new Option<int?>("--slots") { Description = "Requests the fake server generates at once (default 16)" };
        var jobs = new Option<int?>("--jobs") { Description = "Jobs per variant of the throughput comparison (default 2000; --quick 300)" };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the numbers to this JSON file" };
        var command = new Command("remote", "Benchmark the remote engine against a fake server: worker vs plain client, adaptive vs fixed concurrency")
            { quick, slots, jobs, json };
        command.SetAction(async (parse, ct) =>
        {
            var preset = parse.GetValue(quick) ? RemoteBenchmarkOptions.Quick : new RemoteBenchmarkOptions();
            var options = preset with { Slots = parse.GetValue(slots) ?? preset.Slots, Jobs = parse.GetValue(jobs) ?? preset.Jobs };
            if (options.Problem() is { } problem)
            {
                Console.Error.WriteLine($"bench remote: {problem}");
                return 2;
            }
            var configuration = InternS1Host.BuildConfiguration();
            var postgres = ScratchDatabaseOwner.From(configuration);
            RabbitMqAddress.FromConfiguration(configuration); // throws, naming the setting, when it is missing or not an AMQP URI
            var rabbit = configuration.GetConnectionString(RabbitMqAddress.ConnectionStringName)!;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var report = await RemoteBenchmark.RunAsync(options, postgres, rabbit,
                line => Console.Error.WriteLine($"[{watch.Elapsed.TotalSeconds,5:F0} s] {line}"), ct);
            Print(report);
            if (parse.GetValue(json) is { } file)
                await File.WriteAllTextAsync(file.FullName, report.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
            return 0;
        });
        return command;
    }

    private static void Print(RemoteBenchmarkReport report)
    {
        var o = report.Options;
        AnsiConsole.MarkupLine($"CPU features: [blue]{(report.CpuFeatures.Count == 0 ? "(none of avx2, fma, avx512f, avx512_bf16, amx_bf16, amx_tile)" : string.Join(' ', report.CpuFeatures))}[/]");
        AnsiConsole.MarkupLine($"Fake server: {o.Slots} slots, {o.TokenDelay.TotalMilliseconds:0.#} ms per token, {o.CompletionTokens} tokens per job.");
        Table("throughput", [.. report.Plain, report.Worker]);
        AnsiConsole.MarkupLine($"worker / best plain client ({Markup.Escape(report.BestPlain.Variant)}): [green]{report.WorkerRatio:0.00}x[/] (goal >= 0.9x)");
        Table($"capacity {o.Slots} -> {o.LowSlots} -> {o.Slots} slots, queue {o.QueueLimit}", [.. report.Fixed, report.Adaptive]);
        AnsiConsole.MarkupLine($"adaptive / best fixed ({Markup.Escape(report.BestFixed.Variant)}): [green]{report.AdaptiveRatio:0.00}x[/] (goal >= 0.9x); " +
                               $"503s: adaptive {report.Adaptive.Refused}, best fixed {report.BestFixed.Refused}");
    }

    private static void Table(string title, IEnumerable<RemoteRunResult> runs)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title))
            .AddColumns("variant", "jobs", "seconds", "jobs/s", "tokens/s", "503s", "peak running");
        foreach (var r in runs)
            table.AddRow(Markup.Escape(r.Variant), r.Jobs.ToString(), r.Seconds.ToString("0.00"), r.JobsPerSecond.ToString("0.0"),
                r.TokensPerSecond.ToString("0"), r.Refused.ToString(), r.PeakRunning.ToString());
        AnsiConsole.Write(table);
    }
}
