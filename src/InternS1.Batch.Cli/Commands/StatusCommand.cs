using System.CommandLine;
using System.Text.Json;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Cli.Reporting;
using InternS1.Batch.Storage.Reporting;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace InternS1.Batch.Cli.Commands;

/// <summary><c>interns1 status [--dataset NAME] [--watch] [--json]</c>.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var dataset = CommonOptions.Dataset(required: false, "Only this dataset");
        var watch = new Option<bool>("--watch", "-w") { Description = "Refresh every 2 seconds until Ctrl+C (or until nothing is pending)" };
        var json = CommonOptions.Json("Print one JSON object per dataset per line: dataset, total, succeeded, failed, dead_lettered, pending, ...");
        var command = new Command("status", "Show per-dataset progress (total / succeeded / failed / dead_lettered / pending)") { dataset, watch, json };
        command.SetAction(async (parseResult, ct) =>
        {
            await using var services = CliServices.Build();
            var reader = services.GetRequiredService<ProgressReader>();
            var name = parseResult.GetValue(dataset);
            var asJson = parseResult.GetValue(json);
            if (!parseResult.GetValue(watch))
            {
                Print(await reader.ReadAsync(name, ct), asJson);
                return 0;
            }
            try
            {
                if (asJson)
                {
                    while (true)
                    {
                        var rows = await reader.ReadAsync(name, ct);
                        Print(rows, true);
                        if (rows.Count > 0 && rows.All(r => r.Pending == 0))
                            return 0;
                        await Task.Delay(TimeSpan.FromSeconds(2), ct);
                    }
                }
                await AnsiConsole.Live(ProgressTable.Render([])).StartAsync(async live =>
                {
                    while (true)
                    {
                        var rows = await reader.ReadAsync(name, ct);
                        live.UpdateTarget(ProgressTable.Render(rows));
                        if (rows.Count > 0 && rows.All(r => r.Pending == 0))
                            return;
                        await Task.Delay(TimeSpan.FromSeconds(2), ct);
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

    private static void Print(IReadOnlyList<DatasetProgress> rows, bool json)
    {
        if (!json)
        {
            AnsiConsole.Write(ProgressTable.Render(rows));
            return;
        }
        foreach (var r in rows)
            Console.WriteLine(JsonSerializer.Serialize(r));
    }
}
