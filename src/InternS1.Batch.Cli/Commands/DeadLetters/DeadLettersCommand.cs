using System.CommandLine;
using System.Text.Json;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Cli.Reporting;
using InternS1.Batch.Storage.Reporting;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace InternS1.Batch.Cli.Commands.DeadLetters;

/// <summary><c>interns1 dead-letters list [--dataset D] [--reason R] [--json]</c> and
/// <c>interns1 dead-letters requeue [--dataset D] [--reason R]</c>.</summary>
public static class DeadLettersCommand
{
    public static Command Create()
    {
        var command = new Command("dead-letters", "List or requeue jobs that ended without a result");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Requeue());
        return command;
    }

    private static Option<string> Reason() => new("--reason", "-r") { Description = "Only this reason_code (e.g. invalid_sampling)" };

    private static Command List()
    {
        var dataset = CommonOptions.Dataset(required: false, "Only this dataset");
        var reason = Reason();
        var json = CommonOptions.Json("Print one JSON object per dead letter per line");
        var command = new Command("list", "List open dead letters") { dataset, reason, json };
        command.SetAction(async (parseResult, ct) =>
        {
            await using var services = CliServices.Build();
            var rows = await services.GetRequiredService<DeadLetterStore>()
                .ListAsync(parseResult.GetValue(dataset), parseResult.GetValue(reason), ct);
            if (parseResult.GetValue(json))
            {
                foreach (var r in rows)
                    Console.WriteLine(JsonSerializer.Serialize(r));
                return 0;
            }
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("job_id", "dataset", "custom_id", "reason_code", "message", "attempts", "source", "created_at");
            foreach (var r in rows)
            {
                table.AddRow(Markup.Escape(r.JobId), Markup.Escape(r.Dataset ?? ""), Markup.Escape(r.CustomId ?? ""), $"[yellow]{Markup.Escape(r.ReasonCode)}[/]",
                    Markup.Escape(r.Message.Length > 100 ? r.Message[..100] + "…" : r.Message), r.Attempts.ToString(), r.Source, r.CreatedAt.ToString("u"));
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"{rows.Count} open dead letter(s).");
            return 0;
        });
        return command;
    }

    private static Command Requeue()
    {
        var dataset = CommonOptions.Dataset(required: false, "Only this dataset");
        var reason = Reason();
        var command = new Command("requeue", "Publish dead-lettered jobs again (e.g. after fixing a media file or the worker)") { dataset, reason };
        command.SetAction(async (parseResult, ct) =>
        {
            await using var services = CliServices.Build();
            var queue = services.GetRequiredService<IOptions<WorkerOptions>>().Value.QueueName;
            await using var publisher = await JobPublisher.ConnectAsync(services.GetRequiredService<RabbitMqAddress>(), queue, ct);
            var (requeued, skipped) = await services.GetRequiredService<DeadLetterStore>()
                .RequeueAsync(parseResult.GetValue(dataset), parseResult.GetValue(reason), publisher.PublishAsync, ct);
            foreach (var s in skipped)
                Console.Error.WriteLine($"skipped {s}");
            Console.WriteLine($"Requeued {requeued} job(s) to {queue}; skipped {skipped.Count}.");
            return 0;
        });
        return command;
    }
}
