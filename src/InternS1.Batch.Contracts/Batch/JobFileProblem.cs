namespace InternS1.Batch.Contracts.Batch;

/// <summary>A line that refuses the whole file.</summary>
public sealed record JobFileProblem(int LineNumber, string Message)
{
    public override string ToString() => $"line {LineNumber}: {Message}";
}
