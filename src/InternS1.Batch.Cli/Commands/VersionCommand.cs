using System.CommandLine;
using System.Reflection;

namespace InternS1.Batch.Cli.Commands;

/// <summary><c>interns1 version</c>: prints the version of the tool.</summary>
public static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the version of interns1");
        command.SetAction(_ =>
        {
            var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            Console.WriteLine($"interns1 {version}");
            return 0;
        });
        return command;
    }
}
