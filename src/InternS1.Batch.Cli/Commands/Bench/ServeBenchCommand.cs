using System.CommandLine;
using System.Text.Json;
using InternS1.Batch.Benchmarks.Serve;
using InternS1.Engine.Torch.Running;
using InternS1.Batch.Cli.EmbeddedModel;
using InternS1.Text.Assets;
using Spectre.Console;

namespace InternS1.Batch.Cli.Commands.Bench;

/// <summary>
/// <c>interns1 bench serve [--quick] [--json FILE] [--dtype auto] [--threads N]</c>: interactive requests ahead of a
/// batch on one engine (<see cref="ServeBenchmark"/>): time to first token and tokens/s idle vs under a full batch
/// load, batch throughput with and without the interactive traffic, against the issue's goals; prints the CPU.
/// </summary>
public static class ServeBenchCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as one JSON object to this file" };
        var quick = new Option<bool>("--quick") { Description = "A small batch and two interactive requests (seconds)" };
        var dtype = new Option<string>("--dtype") { Description = "Compute dtype: auto (as the worker resolves it), float32 or bfloat16", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads, 0 = all processors", DefaultValueFactory = _ => 0 };
        var command = new Command("serve", "Benchmark interactive requests ahead of batch work: TTFT and tokens/s idle vs under load, batch throughput")
            { json, quick, dtype, threads };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = (parse.GetValue(quick) ? ServeBenchmarkOptions.Quick : new ServeBenchmarkOptions()) with
            {
                Dtype = ComputeDtypes.ParseSetting(parse.GetValue(dtype)!), Threads = parse.GetValue(threads) is > 0 and var t ? t : null,
            };
            var watch = System.Diagnostics.Stopwatch.StartNew();
            void Progress(string line) => Console.Error.WriteLine($"[{watch.Elapsed.TotalSeconds,5:F0} s] {line}");
            var tokenizer = await BatchingBenchCommand.LoadTokenizerAsync(Progress, cancellationToken);
            var report = ServeBenchmark.Run(options, tokenizer, Path.Combine(Qwen3TokenizerSource.CacheRoot(), "bench-checkpoints"), Progress);
            Print(report);
            if (parse.GetValue(json) is { } file)
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(report, Json) + "\n", cancellationToken);
            return 0;
        });
        return command;
    }

    private static void Print(ServeBenchmarkReport r)
    {
        AnsiConsole.MarkupLine(Markup.Escape($"CPU: {r.Cpu}"));
        var table = new Table().Title(Markup.Escape($"{r.Model}: {r.Parameters / 1e6:N1} M parameters, {r.Dtype}, {r.Threads} threads"))
            .AddColumns("run", "interactive TTFT (mean / max)", "interactive tokens/s", "batch tokens/s", "steps", "preemptions");
        foreach (var s in new[] { r.Idle, r.BatchOnly, r.Mixed })
        {
            table.AddRow(Markup.Escape(s.Mode),
                s.InteractiveRequests > 0 ? $"{s.MeanTtftSeconds * 1000:F1} / {s.MaxTtftSeconds * 1000:F1} ms" : "-",
                s.InteractiveRequests > 0 ? $"{s.MeanInteractiveTokensPerSecond:F1}" : "-",
                s.BatchJobs > 0 ? $"{s.BatchTokensPerSecond:F1}" : "-",
                s.Steps.ToString(), s.Preemptions.ToString());
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Verdict(r.MeetsTtftGoal, $"TTFT under load / idle: {r.TtftRatio:F2}x (goal <= {r.TtftGoal:F0}x)"));
        AnsiConsole.MarkupLine(Verdict(r.MeetsBatchLossGoal,
            $"batch throughput loss: {r.BatchThroughputLoss:P1} (goal <= interactive share {r.InteractiveShare:P1} + 10% = {r.BatchLossGoal:P1})"));
    }

    private static string Verdict(bool met, string text) => $"[{(met ? "green" : "yellow")}]{Markup.Escape(text)}[/]";
}
