using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Cli.Reporting;
using InternS1.Batch.Storage.Reporting;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace InternS1.Batch.Cli.Commands;

/// <summary><c>interns1 status [--dataset NAME] [--watch] [--json]</c>: progress from <c>dataset_progress</c>, rate and
/// ETA from <c>dataset_rates</c> (so every client agrees).</summary>
public static class StatusCommand
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);

    public static Command Create()
    {
        var dataset = CommonOptions.Dataset(required: false, "Only this dataset");
        var watch = new Option<bool>("--watch", "-w") { Description = "A progress bar per dataset, refreshed every 2 seconds until Ctrl+C (or until nothing is pending)" };
        var json = CommonOptions.Json("Print one JSON object per dataset per line: dataset, total, succeeded, failed, dead_lettered, pending, ..., jobs_per_minute, output_tokens_per_second, eta_seconds, eta_at");
        var command = new Command("status", "Show per-dataset progress, completion rate (last 5 minutes) and ETA") { dataset, watch, json };
        command.SetAction(async (parseResult, ct) =>
        {
            await using var services = CliServices.Build();
            var progress = services.GetRequiredService<ProgressReader>();
            var rates = services.GetRequiredService<RateReader>();
            var name = parseResult.GetValue(dataset);
            async Task<(IReadOnlyList<DatasetProgress> Rows, IReadOnlyList<DatasetRate> Rates)> ReadAsync()
                => (await progress.ReadAsync(name, ct), await rates.ReadAsync(name, ct));
            static bool Finished(IReadOnlyList<DatasetProgress> rows) => rows.Count > 0 && rows.All(r => r.Pending == 0);

            if (!parseResult.GetValue(watch))
            {
                var (rows, r) = await ReadAsync();
                Print(rows, r, parseResult.GetValue(json));
                return 0;
            }
            try
            {
                if (parseResult.GetValue(json))
                {
                    while (true)
                    {
                        var (rows, r) = await ReadAsync();
                        Print(rows, r, json: true);
                        if (Finished(rows))
                            return 0;
                        await Task.Delay(Refresh, ct);
                    }
                }
                if (!AnsiConsole.Profile.Capabilities.Interactive)
                {
                    // Not a terminal (a log, a pipe): the same bars as text lines, one per dataset per refresh.
                    while (true)
                    {
                        var (rows, r) = await ReadAsync();
                        var byDataset = r.ToDictionary(x => x.Dataset, StringComparer.Ordinal);
                        foreach (var row in rows)
                            Console.WriteLine(TextBar(row, byDataset.GetValueOrDefault(row.Dataset)));
                        if (Finished(rows))
                            return 0;
                        await Task.Delay(Refresh, ct);
                    }
                }
                await AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
                    .StartAsync(async context =>
                    {
                        var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                        while (true)
                        {
                            var (rows, r) = await ReadAsync();
                            var byDataset = r.ToDictionary(x => x.Dataset, StringComparer.Ordinal);
                            foreach (var row in rows)
                            {
                                if (!tasks.TryGetValue(row.Dataset, out var task))
                                    tasks[row.Dataset] = task = context.AddTask(row.Dataset, autoStart: true, maxValue: Math.Max(1, row.Total));
                                var rate = byDataset.GetValueOrDefault(row.Dataset);
                                task.MaxValue = Math.Max(1, row.Total);
                                task.Value = row.Total == 0 ? 1 : row.Total - row.Pending;
                                task.Description = Markup.Escape($"{row.Dataset}  {Summary(row, rate)}");
                            }
                            if (Finished(rows))
                                return;
                            await Task.Delay(Refresh, ct);
                        }
                    });
            }
            catch (OperationCanceledException)
            {
            }
            return 0;
        });
        return command;
    }

    /// <summary>"12/60  2.4 jobs/min  35.0 tokens/s  eta 20m 00s".</summary>
    private static string Summary(DatasetProgress row, DatasetRate? rate)
        => $"{row.Total - row.Pending}/{row.Total}  {RateText.Rate(rate?.JobsPerMinute)} jobs/min  " +
           $"{RateText.Rate(rate?.OutputTokensPerSecond)} tokens/s  eta {RateText.Eta(rate?.EtaSeconds, row.Pending)}";

    /// <summary>"screening  [########------------]  40.0%  24/60  2.4 jobs/min  35.0 tokens/s  eta 15m 00s".</summary>
    private static string TextBar(DatasetProgress row, DatasetRate? rate)
    {
        const int width = 20;
        var fraction = row.Total == 0 ? 1.0 : (row.Total - row.Pending) / (double)row.Total;
        var filled = (int)Math.Round(fraction * width);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{row.Dataset}  [{new string('#', filled)}{new string('-', width - filled)}]  {100 * fraction:0.0}%  {Summary(row, rate)}");
    }

    private static void Print(IReadOnlyList<DatasetProgress> rows, IReadOnlyList<DatasetRate> rates, bool json)
    {
        if (!json)
        {
            // NOTE: without a terminal Spectre assumes 80 columns and wraps the ten columns; logs get one row per dataset.
            if (Console.IsOutputRedirected)
                AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
            AnsiConsole.Write(ProgressTable.Render(rows, rates));
            return;
        }
        var byDataset = rates.ToDictionary(r => r.Dataset, StringComparer.Ordinal);
        foreach (var r in rows)
        {
            var line = JsonSerializer.SerializeToNode(r)!.AsObject();
            var rate = byDataset.GetValueOrDefault(r.Dataset);
            line["window_minutes"] = rate?.WindowMinutes;
            line["finished_in_window"] = rate?.FinishedInWindow;
            line["jobs_per_minute"] = rate?.JobsPerMinute;
            line["output_tokens_per_second"] = rate?.OutputTokensPerSecond;
            line["eta_seconds"] = rate?.EtaSeconds;
            line["eta_at"] = rate?.EtaAt is { } at ? JsonValue.Create(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
            Console.WriteLine(line.ToJsonString());
        }
    }
}
