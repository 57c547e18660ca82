using System.Collections.Concurrent;
using InternS1.Text.Structured.Automata;

namespace InternS1.Text.Structured.Grammar;

/// <summary>Lexeme tables of one compiler by signature, so that equal terminals of different schemas share their
/// automaton and their per-state masks. Thread-safe.</summary>
internal sealed class LexemeCache
{
    private readonly ConcurrentDictionary<string, Lazy<LexemeTable?>> _tables = new(StringComparer.Ordinal);

    /// <summary>The table of <paramref name="signature"/>, built by <paramref name="build"/> on first use; null when the
    /// automaton accepts nothing.</summary>
    public LexemeTable? Get(string signature, Func<RangeDfa> build) =>
        _tables.GetOrAdd(signature, s => new Lazy<LexemeTable?>(() =>
        {
            var dfa = build();
            return dfa.IsEmpty ? null : new LexemeTable(dfa, s);
        })).Value;

    public int Count => _tables.Count;
}
