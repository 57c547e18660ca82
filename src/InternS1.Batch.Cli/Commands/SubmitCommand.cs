using System.CommandLine;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Cli.Reporting;
using InternS1.Batch.Storage.Ledger;
using InternS1.Batch.Storage.Reporting;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Submission;
using InternS1.Batch.Worker.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace InternS1.Batch.Cli.Commands;

/// <summary><c>interns1 submit FILE.jsonl --dataset NAME [--strict] [--replace]</c>.</summary>
public static class SubmitCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "JSON Lines file: native job lines or OpenAI Batch input lines" };
        var dataset = CommonOptions.Dataset(required: true, "Dataset the jobs belong to (created on first use)");
        var strict = new Option<bool>("--strict") { Description = "Also refuse the file when any job would be rejected by the worker's validation" };
        var replace = new Option<bool>("--replace")
        {
            Description = "Let a line give an existing custom_id a new prompt: the old job's result or dead letter is kept in superseded_jobs and the job runs again",
        };
        var command = new Command("submit", "Publish a file of prompt jobs to the job queue") { file, dataset, strict, replace };
        command.SetAction(async (parseResult, ct) =>
        {
            var path = parseResult.GetValue(file)!;
            if (!path.Exists)
            {
                Console.Error.WriteLine($"submit: {path.FullName}: file not found");
                return 2;
            }
            await using var services = CliServices.Build();
            var name = parseResult.GetValue(dataset)!;
            var queue = services.GetRequiredService<IOptions<WorkerOptions>>().Value.QueueName;
            var submitter = new JobSubmitter(services.GetRequiredService<JobLedger>(), services.GetRequiredService<SubmissionLedger>(),
                services.GetRequiredService<RabbitMqAddress>(), services.GetRequiredService<SubmitPromptJobValidator>());
            var submitOptions = new SubmitOptions { Strict = parseResult.GetValue(strict), Replace = parseResult.GetValue(replace) };

            SubmitResult result = null!;
            using (var reader = path.OpenText())
            {
                await AnsiConsole.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask($"publishing to {Markup.Escape(queue)}", autoStart: true, maxValue: 1);
                        result = await submitter.SubmitAsync(reader, name, queue, submitOptions,
                            (done, total) => { task.MaxValue = total; task.Value = done; }, ct);
                        task.Value = task.MaxValue;
                    });
            }
            if (result.Refused)
            {
                Console.Error.WriteLine($"submit: {path.Name} refused, nothing was published ({result.Problems.Count} problem(s)):");
                foreach (var p in result.Problems.Take(100))
                    Console.Error.WriteLine(p.LineNumber == 0 ? $"  {p.Message}" : $"  {p}");
                if (result.Problems.Count > 100)
                    Console.Error.WriteLine($"  ... and {result.Problems.Count - 100} more");
                return 1;
            }
            foreach (var w in result.DuplicateJobIds.Take(100))
                Console.Error.WriteLine($"submit: warning: {w}");
            if (result.DuplicateJobIds.Count > 0)
                Console.Error.WriteLine($"submit: warning: {result.DuplicateJobIds.Count} line(s) reuse a job_id of another job; each ends as a duplicate_job_id dead letter in this dataset");
            AnsiConsole.MarkupLine($"Published [green]{result.Published}[/] job(s) to [blue]{Markup.Escape(queue)}[/] ({result.NewlyRegistered} new in dataset [blue]{Markup.Escape(name)}[/]" +
                                   $"{(result.Replaced > 0 ? $", {result.Replaced} replaced" : "")}{(result.DuplicateJobIds.Count > 0 ? $", {result.DuplicateJobIds.Count} duplicate job_id" : "")}).");
            var rows = await services.GetRequiredService<ProgressReader>().ReadAsync(name, ct);
            AnsiConsole.Write(ProgressTable.Render(rows));
            return 0;
        });
        return command;
    }
}
