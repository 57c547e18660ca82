using System.CommandLine;

namespace InternS1.Batch.Cli.Commands.Bench;

/// <summary><c>interns1 bench ...</c>: benchmarks (speed claims live here, each against a baseline run
/// in the same process).</summary>
public static class BenchCommand
{
    /// <summary>The <c>bench</c> group with the pipeline benchmark; other benchmarks add themselves to it.</summary>
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks");
        command.Subcommands.Add(PipelineBenchCommand.Create());
        return command;
    }
}
