using System.CommandLine;
using InternS1.Batch.Cli.Commands;

namespace InternS1.Batch.Cli;

/// <summary>The <c>interns1</c> executable: composition root of the worker and the tools.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("interns1 — batch inference worker for Intern-S1 (RabbitMQ in, PostgreSQL out)");
        root.Subcommands.Add(VersionCommand.Create());
        var model = new Command("model", "Model tools: tokenizer and chat template");
        root.Subcommands.Add(model);
        model.Subcommands.Add(Commands.Model.TokenizeCommand.Create());
        model.Subcommands.Add(Commands.Model.DetokenizeCommand.Create());
        model.Subcommands.Add(Commands.Model.ChatTemplateCommand.Create());
        return await root.Parse(args).InvokeAsync();
    }
}
