using System.CommandLine;
using System.Text.Json;
using InternS1.Batch.Benchmarks.Engine;
using InternS1.Batch.Benchmarks.Worker;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Cli.EmbeddedModel;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Messaging;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace InternS1.Batch.Cli.Commands.Bench;

/// <summary>
/// <c>interns1 bench worker [--jobs N] [--output-tokens N] [--repeats N] [--quick] [--no-large] [--set Section:Key=value]... [--json FILE]</c>:
/// the real worker process end to end (RabbitMQ -> <c>interns1 worker</c> -> PostgreSQL) against the same jobs straight
/// to the engine in this process, on the tiny model and the 359M random MoE (<see cref="WorkerBenchmark"/>). Both
/// halves run with the product's defaults unless <c>--set</c> says otherwise (the same settings go to both).
/// </summary>
public static class WorkerBenchCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var jobs = new Option<int?>("--jobs", "-n") { Description = "Jobs per model (default 64; --quick: 8)" };
        var outputTokens = new Option<int?>("--output-tokens") { Description = "New tokens per job (default 32; --quick: 8)" };
        var repeats = new Option<int?>("--repeats") { Description = "Timed passes of each half, alternated; each reports its best (default 3; --quick: 1)" };
        var quick = new Option<bool>("--quick") { Description = "8 jobs of 8 tokens on the tiny model only (a check that it runs)" };
        var noLarge = new Option<bool>("--no-large") { Description = "Skip the 359M random MoE" };
        var set = new Option<string[]>("--set") { Description = "Section:Key=value for the worker and the engine-only half (repeatable), e.g. Model:Dtype=bfloat16" };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this file" };
        var command = new Command("worker", "Benchmark the worker process end to end (RabbitMQ, PostgreSQL) against the engine alone, same jobs, same run")
            { jobs, outputTokens, repeats, quick, noLarge, set, json };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in parse.GetValue(set) ?? [])
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0)
                {
                    Console.Error.WriteLine($"bench worker: --set '{pair}' must be Section:Key=value");
                    return 2;
                }
                settings[pair[..eq]] = pair[(eq + 1)..];
            }
            var isQuick = parse.GetValue(quick);
            var configuration = InternS1Host.BuildConfiguration();
            var options = new WorkerBenchmarkOptions
            {
                Jobs = parse.GetValue(jobs) ?? (isQuick ? 8 : 64), OutputTokens = parse.GetValue(outputTokens) ?? (isQuick ? 8 : 32),
                Repeats = parse.GetValue(repeats) ?? (isQuick ? 1 : 3),
                WorkerCommand = ["dotnet", Path.Combine(AppContext.BaseDirectory, "interns1.dll"), "worker"],
                Postgres = ScratchDatabaseOwner.From(configuration),
                RabbitMq = configuration.GetConnectionString(RabbitMqAddress.ConnectionStringName)
                    ?? throw new InvalidOperationException("ConnectionStrings:RabbitMq is not set"),
                Settings = settings,
            };
            if (options.Jobs <= 0 || options.OutputTokens <= 0 || options.Repeats <= 0)
            {
                Console.Error.WriteLine("bench worker: --jobs, --output-tokens and --repeats must be positive");
                return 2;
            }
            var watch = System.Diagnostics.Stopwatch.StartNew();
            void Progress(string line) => Console.Error.WriteLine($"[{watch.Elapsed.TotalSeconds,5:F0} s] {line}");
            var models = new List<(string Name, string Directory)> { ("tiny (embedded default)", await EmbeddedModelStore.EnsureAsync(Progress, ct)) };
            if (!isQuick && !parse.GetValue(noLarge))
                models.Add(("large random MoE", await LargeModelAsync(Progress, ct)));

            var results = new List<WorkerModelResult>();
            foreach (var (name, dir) in models)
            {
                var result = await WorkerBenchmark.RunAsync(name, dir, options, (services, config) =>
                {
                    if (ExecutorComposition.TryAddExecutor(services, config) is { } refusal) throw new InvalidOperationException(refusal);
                }, Progress, ct);
                results.Add(result);
                Print(result, options);
            }
            if (parse.GetValue(json) is { } file)
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(results, Json) + "\n", ct);
            return 0;
        });
        return command;
    }

    /// <summary>The 359M random MoE as a complete model folder (weights, configs, tokenizer), written once under the cache.</summary>
    private static async Task<string> LargeModelAsync(Action<string> progress, CancellationToken ct)
    {
        var dir = Path.Combine(Qwen3TokenizerSource.CacheRoot(), "bench-checkpoints", "worker-large-moe-" + EmbeddedModelStore.Version);
        var marker = Path.Combine(dir, ".complete");
        if (File.Exists(marker)) return dir;
        progress($"writing the large random MoE model folder to {dir} (kept for later runs)");
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        await EmbeddedModelStore.CreateAsync(dir, EngineBenchmark.LargeMoe, progress, ct);
        await File.WriteAllTextAsync(marker, EmbeddedModelStore.Version, ct);
        return dir;
    }

    private static void Print(WorkerModelResult r, WorkerBenchmarkOptions options)
    {
        var table = new Table().Title(Markup.Escape($"{r.Model}: CPU {r.Cpu}")).AddColumn("run").AddColumn("pass").AddColumn("jobs")
            .AddColumn("completion tokens").AddColumn("seconds").AddColumn("tokens/s").AddColumn("background JIT CPU s");
        // NOTE: short names in the table (the full modes are a legend under it): an 80-column console wrapped them into 5 lines a row.
        for (var i = 0; i < r.WorkerRuns.Count; i++)
            foreach (var (name, run) in new[] { ("worker", r.WorkerRuns[i]), ("engine only", r.EngineOnlyRuns[i]) })
                table.AddRow(name, (i + 1).ToString(), run.Jobs.ToString(), run.CompletionTokens.ToString("N0"),
                    run.Seconds.ToString("F2"), run.CompletionTokensPerSecond.ToString("N1"), run.BackgroundJitSeconds?.ToString("F2") ?? "n/a");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape($"worker = {r.Worker.Mode}"));
        AnsiConsole.MarkupLine(Markup.Escape($"engine only = {r.EngineOnly.Mode}"));
        foreach (var line in r.WorkerSettings) AnsiConsole.MarkupLine(Markup.Escape($"worker: {line}"));
        AnsiConsole.MarkupLine(Markup.Escape($"engine only: {r.EngineSettings}"));
        AnsiConsole.MarkupLine(Markup.Escape($"untimed warm-up passes: worker {r.WorkerWarmUpPasses}, engine only {r.EngineOnlyWarmUpPasses} (until the background JIT took under {options.WarmJitShare:P0} of a pass, at most {options.MaxWarmUpPasses})"));
        AnsiConsole.MarkupLine(Markup.Escape($"best of {r.WorkerRuns.Count}: worker {r.Worker.CompletionTokensPerSecond:N1} tokens/s, engine only {r.EngineOnly.CompletionTokensPerSecond:N1}; " +
            $"each pass's ratio: {string.Join(", ", r.RepetitionRatios.Select(x => x.ToString("F2")))}"));
        var colour = r.Ratio >= WorkerModelResult.Goal ? "green" : "yellow";
        AnsiConsole.MarkupLine($"end to end / engine only: [{colour}]{r.Ratio:F2}[/] (best / best; goal >= {WorkerModelResult.Goal:F2})");
    }
}
