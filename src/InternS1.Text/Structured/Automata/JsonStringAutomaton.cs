namespace InternS1.Text.Structured.Automata;

/// <summary>How a string lexeme's transitions are tagged for the length counters.</summary>
internal enum StringCounting
{
    /// <summary>No counters (lengths, if any, are built into the states).</summary>
    None,
    /// <summary>Every character counts for both <c>maxLength</c> and <c>minLength</c>.</summary>
    AllChars,
    /// <summary>Every character counts for <c>maxLength</c>; only <see cref="JsonStringAutomaton.CountedForMinLength"/>
    /// characters count for <c>minLength</c>.</summary>
    CountedSet,
}

/// <summary>
/// Turns a DFA over code points (the allowed string contents) into a byte DFA of the JSON string literal: the
/// opening quote, each character as UTF-8 or — for <c>"</c>, <c>\</c> and control characters only — as the
/// short escape (<c>\" \\ \b \f \n \r \t</c>) or <c>\u00XX</c>, then the closing quote. Each character has exactly one
/// spelling, so the byte language is deterministic.
/// </summary>
internal static class JsonStringAutomaton
{
    private static readonly CharSet MustEscape = CharSet.FromRanges([(0, 0x1F), ('"', '"'), ('\\', '\\')]);

    /// <summary>
    /// Characters that always start a new grapheme cluster (UAX #29), so each of them adds one to the length the
    /// validator counts (it counts text elements): ASCII without CR, and Latin, Greek, Cyrillic letters, kana and CJK
    /// ideographs without combining marks and pictographs. A <c>minLength</c> of 2 or more is met by these alone.
    /// </summary>
    public static readonly CharSet CountedForMinLength = CharSet.FromRanges(
    [
        (0x00, 0x0C), (0x0E, 0x7F), (0xA0, 0xA8), (0xAA, 0xAD), (0xAF, 0x24F), (0x370, 0x3FF), (0x400, 0x482),
        (0x48A, 0x4FF), (0x3041, 0x3096), (0x30A1, 0x30FA), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
    ]);

    /// <summary>Builds the byte DFA of the quoted string whose contents <paramref name="content"/> accepts.</summary>
    public static RangeDfa Build(RangeDfa content, StringCounting counting)
    {
        if (content.IsEmpty) return content;
        var nfa = new RangeNfa();
        var map = new int[content.StateCount];
        for (var p = 0; p < map.Length; p++) map[p] = nfa.AddState();
        var start = nfa.AddState();
        var closed = nfa.AddState();
        nfa.Start = start;
        nfa.SetFinal(closed);
        nfa.AddEdge(start, '"', '"', map[content.Start]);
        for (var p = 0; p < map.Length; p++)
        {
            if (content.Final[p]) nfa.AddEdge(map[p], '"', '"', closed);
            foreach (var t in content.Transitions[p])
            {
                var range = CharSet.Of(t.Lo, t.Hi).Intersect(CharSet.Scalars);
                foreach (var (lo, hi) in range.Intersect(MustEscape).Ranges)
                    for (var c = lo; c <= hi; c++)
                        foreach (var seq in EscapesOf(c))
                            AddPath(nfa, map[p], map[t.To], seq, counting, IsCounted(c, counting));
                var plain = range.Subtract(MustEscape);
                var pieces = counting == StringCounting.CountedSet
                    ? plain.Intersect(CountedForMinLength).Ranges.Select(r => (r, true)).Concat(plain.Subtract(CountedForMinLength).Ranges.Select(r => (r, false)))
                    : plain.Ranges.Select(r => (r, true));
                foreach (var ((lo, hi), counted) in pieces)
                    foreach (var seq in Utf8Sequences.Of(lo, hi))
                        AddPath(nfa, map[p], map[t.To], seq, counting, counted);
            }
        }
        var dfa = RangeDfa.Determinize(nfa);
        return counting == StringCounting.CountedSet ? TagSlack(dfa) : dfa;
    }

    private static bool IsCounted(int c, StringCounting counting) =>
        counting != StringCounting.CountedSet || CountedForMinLength.Contains(c);

    /// <summary>The spellings of a character that must be escaped: the short escape, else <c>\u00XX</c> with hex
    /// letters in either case.</summary>
    private static IEnumerable<(byte, byte)[]> EscapesOf(int c)
    {
        static (byte, byte) B(int x) => ((byte)x, (byte)x);
        char? shortForm = c switch { '"' => '"', '\\' => '\\', 8 => 'b', 12 => 'f', 10 => 'n', 13 => 'r', 9 => 't', _ => null };
        if (shortForm is { } s)
        {
            yield return [B('\\'), B(s)];
            yield break;
        }
        static int[] Hex(int v) => v < 10 ? ['0' + v] : ['a' + v - 10, 'A' + v - 10];
        foreach (var h in Hex(c >> 4))
            foreach (var l in Hex(c & 15))
                yield return [B('\\'), B('u'), B('0'), B('0'), B(h), B(l)];
    }

    private static void AddPath(RangeNfa nfa, int from, int to, (byte Lo, byte Hi)[] seq, StringCounting counting, bool counted)
    {
        var s = from;
        for (var k = 0; k < seq.Length; k++)
        {
            var last = k == seq.Length - 1;
            var t = last ? to : nfa.AddState();
            var tags = EdgeTags.None;
            if (counting != StringCounting.None)
            {
                if (k == 0) tags |= EdgeTags.IncMax;
                if (last) tags |= EdgeTags.CharEnd | (counted ? EdgeTags.IncMin : EdgeTags.None);
            }
            nfa.AddEdge(s, seq[k].Lo, seq[k].Hi, t, tags);
            s = t;
        }
    }

    /// <summary>Marks the transitions after which the current character can no longer count for <c>minLength</c>.</summary>
    private static RangeDfa TagSlack(RangeDfa dfa)
    {
        var n = dfa.StateCount;
        var kind = new int[n]; // 0 unknown, 1 boundary, 2 mid-character, 3 closed
        var queue = new Queue<int>();
        foreach (var t in dfa.Transitions[dfa.Start]) { kind[t.To] = 1; queue.Enqueue(t.To); }
        while (queue.Count > 0)
        {
            var s = queue.Dequeue();
            foreach (var t in dfa.Transitions[s])
            {
                var k = dfa.Final[t.To] ? 3 : (t.Tags & EdgeTags.CharEnd) != 0 ? 1 : 2;
                if (kind[t.To] == 0) { kind[t.To] = k; queue.Enqueue(t.To); }
                else if (kind[t.To] != k) throw new InvalidOperationException("string automaton mixes character boundaries");
            }
        }
        var memo = new int[n]; // 0 unknown, 1 yes, 2 no
        bool CanCount(int s)
        {
            if (memo[s] != 0) return memo[s] == 1;
            var yes = dfa.Transitions[s].Any(t => (t.Tags & EdgeTags.CharEnd) != 0 ? (t.Tags & EdgeTags.IncMin) != 0 : CanCount(t.To));
            memo[s] = yes ? 1 : 2;
            return yes;
        }
        for (var s = 0; s < n; s++)
        {
            if (kind[s] is not (1 or 2)) continue;
            var before = kind[s] == 1 || CanCount(s);
            var list = dfa.Transitions[s];
            for (var i = 0; i < list.Length; i++)
            {
                var t = list[i];
                if (dfa.Final[t.To]) continue;
                var after = (t.Tags & EdgeTags.CharEnd) != 0 ? (t.Tags & EdgeTags.IncMin) != 0 : CanCount(t.To);
                if (before && !after) list[i] = t with { Tags = t.Tags | EdgeTags.NeedSlack };
            }
        }
        return dfa;
    }
}
