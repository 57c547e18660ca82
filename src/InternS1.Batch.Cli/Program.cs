using System.CommandLine;
using InternS1.Batch.Cli.Commands;
using InternS1.Batch.Cli.Commands.Bench;
using InternS1.Batch.Cli.Commands.Model;

namespace InternS1.Batch.Cli;

/// <summary>The <c>interns1</c> executable: composition root of the worker and the tools.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("interns1 — batch inference worker for Intern-S1 (RabbitMQ in, PostgreSQL out)");
        root.Subcommands.Add(VersionCommand.Create());
        root.Subcommands.Add(new Command("model", "Model tools") { LogitsCommand.Create() });
        root.Subcommands.Add(new Command("bench", "Benchmarks") { EngineBenchCommand.Create() });
        return await root.Parse(args).InvokeAsync();
    }
}
