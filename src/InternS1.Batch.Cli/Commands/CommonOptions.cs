using System.CommandLine;

namespace InternS1.Batch.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<string> Dataset(bool required, string description = "Dataset name") => new("--dataset", "-d")
    {
        Description = description,
        Required = required,
    };

    public static Option<bool> Json(string description = "Print JSON instead of a table") => new("--json") { Description = description };
}
