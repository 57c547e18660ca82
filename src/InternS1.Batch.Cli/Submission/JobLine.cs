using System.Text.Json.Nodes;

namespace InternS1.Batch.Cli.Submission;

/// <summary>One job read from a submit file: its line number, ids and the native job JSON to publish.</summary>
public sealed record JobLine(int LineNumber, string JobId, string CustomId, JsonObject Job);

/// <summary>A line that refuses the whole file.</summary>
public sealed record JobFileProblem(int LineNumber, string Message)
{
    public override string ToString() => $"line {LineNumber}: {Message}";
}
