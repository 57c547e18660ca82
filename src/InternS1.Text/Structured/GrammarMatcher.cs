using InternS1.Text.Structured.Grammar;
using InternS1.Text.Structured.Masks;

namespace InternS1.Text.Structured;

/// <summary>
/// The state of one sequence under a <see cref="StructuredGrammar"/>. Per decoding step: <see cref="FillMask"/> writes
/// the allowed token ids (bit <c>id</c> of the <c>ulong</c> span), the sampler picks one of them, <see cref="Accept"/>
/// advances. Once the value is complete (<see cref="IsComplete"/>) the vocabulary's end-of-turn ids are allowed;
/// when nothing else can follow, only they are. Not thread-safe (one matcher per sequence, used by one thread at a
/// time); many matchers of one grammar may run on different threads.
/// </summary>
/// <remarks>
/// Preemption by recompute keeps the generated tokens, so the matcher stays as it is. <see cref="Rollback"/> undoes
/// accepted tokens (for speculative decoding); <see cref="Clone"/> is O(1): states are immutable and shared.
/// </remarks>
public sealed class GrammarMatcher
{
    private readonly StructuredGrammar _grammar;
    private readonly List<MatchState> _history = [];
    private MatchState _state;

    internal GrammarMatcher(StructuredGrammar grammar, MatchState state)
    {
        _grammar = grammar;
        _state = state;
    }

    /// <summary>The text so far is a complete value: end-of-turn ids are allowed.</summary>
    public bool IsComplete => _state.Completed;

    /// <summary>An end-of-turn id was accepted: the sequence is over.</summary>
    public bool IsTerminated { get; private set; }

    /// <summary>Tokens accepted so far (the end-of-turn id included).</summary>
    public int AcceptedTokens => _history.Count;

    /// <summary>Writes the allowed ids into <paramref name="mask"/> (at least <see cref="TokenVocabulary.MaskWords"/> words;
    /// the span is cleared first). After termination only the end-of-turn ids are set.</summary>
    public void FillMask(Span<ulong> mask)
    {
        var vocab = _grammar.Vocabulary;
        if (mask.Length < vocab.MaskWords) throw new ArgumentException($"the mask needs {vocab.MaskWords} words", nameof(mask));
        mask.Clear();
        if (!IsTerminated)
        {
            foreach (var f in _state.Waiting)
            {
                if (f.Lexeme is { } lex)
                {
                    var e = lex.Table.Entry(f.Node, vocab);
                    e.OrInside(mask, lex, f.A, f.B);
                    AddExits(mask, e.Exits, f, lex);
                }
                else
                {
                    var e = _grammar.Entry(f.Node, f.A);
                    e.Inside.OrInto(mask);
                    AddExits(mask, e.Exits, f, null);
                }
            }
        }
        if (_state.Completed || IsTerminated)
            foreach (var id in vocab.EndTokenIds) mask[id >> 6] |= 1UL << (id & 63);
    }

    private void AddExits(Span<ulong> mask, ExitTable exits, Frame f, Lexeme? lex)
    {
        var vocab = _grammar.Vocabulary;
        foreach (var ex in exits.Complete)
            if (!IsSet(mask, ex.Token) && CountersAllow(ex, f, lex)) Set(mask, ex.Token);
        if (exits.Sorted.Length == 0) return;
        var below = Stepper.Pop(_grammar.Graph, f.Parent);
        if (below.Waiting.Length == 0) return;
        for (var b = 0; b < 256; b++)
        {
            int from = exits.Offsets[b], to = exits.Offsets[b + 1];
            if (from == to) continue;
            var after = Stepper.Step(_grammar.Graph, below, (byte)b);
            if (!after.IsAlive) continue;
            for (var k = from; k < to; k++)
            {
                var ex = exits.Sorted[k];
                if (IsSet(mask, ex.Token) || !CountersAllow(ex, f, lex)) continue;
                var s = after;
                if (Stepper.Feed(_grammar.Graph, ref s, vocab.TokenBytes(ex.Token)[(ex.RestOffset + 1)..])) Set(mask, ex.Token);
            }
        }
    }

    private static bool CountersAllow(in Exit ex, Frame f, Lexeme? lex)
    {
        if (lex is null) return true;
        if ((long)f.A + ex.CountMax > lex.MaxCount) return false;
        if (f.B + ex.CountMin < lex.MinCount) return false;
        return ex.Slack < 0 || lex.MaxCount == Lexeme.Unbounded || (f.A - f.B) + ex.Slack <= lex.MaxCount - lex.MinCount;
    }

    private static bool IsSet(Span<ulong> mask, int id) => (mask[id >> 6] & (1UL << (id & 63))) != 0;

    private static void Set(Span<ulong> mask, int id) => mask[id >> 6] |= 1UL << (id & 63);

    /// <summary>Advances by <paramref name="tokenId"/>; false (and no change) when the token is not allowed.</summary>
    public bool Accept(int tokenId)
    {
        if (IsTerminated) return false;
        var vocab = _grammar.Vocabulary;
        if (vocab.EndTokenIds.Contains(tokenId))
        {
            if (!_state.Completed) return false;
            _history.Add(_state);
            IsTerminated = true;
            return true;
        }
        var bytes = vocab.TokenBytes(tokenId);
        if (bytes.IsEmpty) return false;
        var s = _state;
        if (!Stepper.Feed(_grammar.Graph, ref s, bytes)) return false;
        _history.Add(_state);
        _state = s;
        return true;
    }

    /// <summary>Undoes the last <paramref name="tokens"/> accepted tokens.</summary>
    public void Rollback(int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tokens, _history.Count);
        for (var i = 0; i < tokens; i++)
        {
            _state = _history[^1];
            _history.RemoveAt(_history.Count - 1);
            IsTerminated = false;
        }
    }

    /// <summary>An independent matcher in the same state (history included).</summary>
    public GrammarMatcher Clone()
    {
        var copy = new GrammarMatcher(_grammar, _state) { IsTerminated = IsTerminated };
        copy._history.AddRange(_history);
        return copy;
    }

    /// <summary>Whether <paramref name="bytes"/> could be read next (for diagnostics and tests; tokens are checked by
    /// <see cref="Accept"/>).</summary>
    public bool CanRead(ReadOnlySpan<byte> bytes)
    {
        var s = _state;
        return Stepper.Feed(_grammar.Graph, ref s, bytes);
    }
}
