namespace InternS1.Text.Jinja;

/// <summary>A template could not be parsed or rendered; <see cref="Line"/> and <see cref="Column"/> (1-based)
/// point into the template source when known.</summary>
public sealed class JinjaException : Exception
{
    public JinjaException(string message, int line = 0, int column = 0, Exception? inner = null)
        : base(line > 0 ? $"template line {line}, column {column}: {message}" : message, inner)
    {
        Line = line;
        Column = column;
        Reason = message;
    }

    /// <summary>1-based line in the template source (0 when unknown).</summary>
    public int Line { get; }

    /// <summary>1-based column in the template source (0 when unknown).</summary>
    public int Column { get; }

    /// <summary>The problem without the position prefix.</summary>
    public string Reason { get; }
}
