using System.CommandLine;
using InternS1.Batch.Cli.Commands;
using InternS1.Batch.Cli.Commands.Bench;
using InternS1.Batch.Cli.Commands.DeadLetters;
using InternS1.Batch.Cli.Commands.Model;
using InternS1.Batch.Cli.Reporting;

namespace InternS1.Batch.Cli;

/// <summary>The <c>interns1</c> executable: composition root of the worker and the tools.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("interns1 — batch inference worker for Intern-S1 (RabbitMQ in, PostgreSQL out)");
        root.Subcommands.Add(VersionCommand.Create());

        // pipeline commands
        root.Subcommands.Add(WorkerCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(SubmitCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(CancelCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(DeadLettersCommand.Create());
        root.Subcommands.Add(DashboardCommand.Create());

        // model tools
        var model = new Command("model", "Model tools: tokenizer, chat template, media preprocessing, logits, generation");
        model.Subcommands.Add(CreateTinyCommand.Create());
        model.Subcommands.Add(GenerateCommand.Create());
        model.Subcommands.Add(TokenizeCommand.Create());
        model.Subcommands.Add(DetokenizeCommand.Create());
        model.Subcommands.Add(ChatTemplateCommand.Create());
        model.Subcommands.Add(PreprocessCommand.Create());
        model.Subcommands.Add(LogitsCommand.Create());
        model.Subcommands.Add(VisionFeaturesCommand.Create());
        root.Subcommands.Add(model);

        // benchmarks (ratios against a baseline measured in the same run)
        var bench = BenchCommand.Create();
        bench.Subcommands.Add(EngineBenchCommand.Create());
        bench.Subcommands.Add(MediaBenchCommand.Create());
        bench.Subcommands.Add(BatchingBenchCommand.Create());
        bench.Subcommands.Add(WorkerBenchCommand.Create());
        bench.Subcommands.Add(RemoteBenchCommand.Create());
        bench.Subcommands.Add(ServeBenchCommand.Create());
        bench.Subcommands.Add(StructuredBenchCommand.Create());
        root.Subcommands.Add(bench);

        // NOTE: no default exception handler (it prints the stack trace): a failure ends with one line and an exit code.
        var parse = root.Parse(args);
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return CliErrors.Report(parse, e);
        }
    }
}
