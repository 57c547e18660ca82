using System.CommandLine;
using InternS1.Batch.Cli.Commands;
using InternS1.Batch.Cli.Commands.Model;

namespace InternS1.Batch.Cli;

/// <summary>The <c>interns1</c> executable: composition root of the worker and the tools.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("interns1 — batch inference worker for Intern-S1 (RabbitMQ in, PostgreSQL out)");
        root.Subcommands.Add(VersionCommand.Create());

        var model = new Command("model", "Model tools: tokenizer, chat template, media preprocessing, generation");
        model.Subcommands.Add(TokenizeCommand.Create());
        model.Subcommands.Add(DetokenizeCommand.Create());
        model.Subcommands.Add(ChatTemplateCommand.Create());
        model.Subcommands.Add(PreprocessCommand.Create());
        root.Subcommands.Add(model);

        return await root.Parse(args).InvokeAsync();
    }
}
