namespace InternS1.Text.Structured.Automata;

/// <summary>A <c>pattern</c> uses syntax outside the supported subset, or is malformed.</summary>
internal sealed class RegexSyntaxException(string message, int offset) : Exception(message)
{
    /// <summary>Offset of the offending character in the pattern.</summary>
    public int Offset { get; } = offset;
}
