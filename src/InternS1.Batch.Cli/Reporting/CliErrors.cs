using System.CommandLine;
using InternS1.Batch.Worker.Diagnostics;

namespace InternS1.Batch.Cli.Reporting;

/// <summary>
/// How a command that failed ends: one line on standard error naming the command and the problem, and an exit code,
/// never a stack trace. Exit codes (README, "CLI"): 1 = the command failed, refused its input or could not parse its
/// arguments; 2 = the file named on the command line does not exist; 3 = a service (PostgreSQL, RabbitMQ) could not be
/// reached or refused the credentials; 130 = cancelled (Ctrl+C).
/// </summary>
internal static class CliErrors
{
    public const int Failed = 1;
    public const int ServiceUnavailable = 3;
    public const int Cancelled = 130;

    /// <summary>Writes the line for <paramref name="exception"/> and returns the exit code.</summary>
    public static int Report(ParseResult parse, Exception exception)
    {
        var command = string.Join(' ', Path(parse.CommandResult.Command));
        if (exception is OperationCanceledException)
        {
            Console.Error.WriteLine($"{command}: cancelled");
            return Cancelled;
        }
        if (ServiceFailures.Explain(exception) is { } service)
        {
            Console.Error.WriteLine($"{command}: {service}");
            return ServiceUnavailable;
        }
        Console.Error.WriteLine($"{command}: {exception.Message} ({exception.GetType().Name})");
        return Failed;
    }

    private static IEnumerable<string> Path(Command command)
    {
        var names = new List<string>();
        for (var c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
            names.Insert(0, c is RootCommand ? "interns1" : c.Name);
        return names;
    }
}
