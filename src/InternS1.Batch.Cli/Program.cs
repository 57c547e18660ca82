using System.CommandLine;
using InternS1.Batch.Cli.Commands;
using InternS1.Batch.Cli.Commands.Bench;
using InternS1.Batch.Cli.Commands.DeadLetters;

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
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(SubmitCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(DeadLettersCommand.Create());
        var bench = BenchCommand.Create();
        root.Subcommands.Add(bench);

        return await root.Parse(args).InvokeAsync();
    }
}
