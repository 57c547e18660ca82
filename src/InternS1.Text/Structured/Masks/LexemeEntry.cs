using InternS1.Text.Structured.Grammar;

namespace InternS1.Text.Structured.Masks;

/// <summary>
/// The precomputed mask of one lexeme state (xgrammar's context-independent tokens): the tokens read entirely inside
/// the lexeme, and the exits — tokens that complete the lexeme and continue in the frame below, checked at run time.
/// For a counting string the tokens inside are kept with the characters they add (<c>cMax</c>) so that the mask for
/// any remaining room <c>r</c> is "tokens with <c>cMax &lt;= r</c>", derived once per <c>r</c> and cached.
/// </summary>
internal sealed class LexemeEntry
{
    private readonly int _vocabularySize;
    private readonly int[] _plainIds;
    private readonly short[] _plainCounts;
    private readonly int _maxPlainCount;
    private readonly TokenSet _plainAll;
    private readonly TokenSet?[] _byRoom;

    public LexemeEntry(int vocabularySize, TokenSet inside, List<(int Id, short CountMax, short Slack)> counted, ExitTable exits)
    {
        _vocabularySize = vocabularySize;
        Inside = inside;
        Exits = exits;
        var plain = counted.Where(t => t.Slack < 0).ToList();
        _plainIds = plain.Select(t => t.Id).ToArray();
        _plainCounts = plain.Select(t => t.CountMax).ToArray();
        _maxPlainCount = plain.Count == 0 ? 0 : plain.Max(t => t.CountMax);
        _plainAll = TokenSet.From(_plainIds, vocabularySize);
        _byRoom = new TokenSet?[_maxPlainCount];
        var slack = counted.Where(t => t.Slack >= 0).ToList();
        SlackIds = slack.Select(t => t.Id).ToArray();
        SlackCounts = slack.Select(t => t.CountMax).ToArray();
        SlackNeeds = slack.Select(t => t.Slack).ToArray();
    }

    /// <summary>All tokens read inside the lexeme from this state (counters ignored).</summary>
    public TokenSet Inside { get; }

    public ExitTable Exits { get; }

    private int[] SlackIds { get; }

    private short[] SlackCounts { get; }

    private short[] SlackNeeds { get; }

    /// <summary>Sets the tokens a frame of <paramref name="lexeme"/> in this state with the given counters may read
    /// without leaving the lexeme.</summary>
    public void OrInside(Span<ulong> mask, Lexeme lexeme, int countMax, int countMin)
    {
        if (lexeme.MaxCount == Lexeme.Unbounded)
        {
            Inside.OrInto(mask);
            return;
        }
        var room = lexeme.MaxCount - countMax;
        if (room >= _maxPlainCount) _plainAll.OrInto(mask);
        else if (room >= 0) RoomSet(room).OrInto(mask);
        var slackCap = (lexeme.MaxCount - lexeme.MinCount) - (countMax - countMin);
        for (var i = 0; i < SlackIds.Length; i++)
            if (SlackCounts[i] <= room && SlackNeeds[i] <= slackCap) mask[SlackIds[i] >> 6] |= 1UL << (SlackIds[i] & 63);
    }

    /// <summary>Derives the masks for every remaining room below <paramref name="limit"/> now.</summary>
    public void PrecomputeRooms(int limit)
    {
        for (var room = 0; room < Math.Min(limit, _maxPlainCount); room++) RoomSet(room);
    }

    private TokenSet RoomSet(int room)
    {
        var set = Volatile.Read(ref _byRoom[room]);
        if (set is not null) return set;
        var ids = new List<int>();
        for (var i = 0; i < _plainIds.Length; i++) if (_plainCounts[i] <= room) ids.Add(_plainIds[i]);
        set = TokenSet.From(ids, _vocabularySize);
        return Interlocked.CompareExchange(ref _byRoom[room], set, null) ?? set;
    }
}
