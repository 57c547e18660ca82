namespace InternS1.Text.Scientific;

/// <summary>
/// The matches of <see cref="SmilesDetector"/>'s candidate regex, <c>((?![:.=])(?&gt;unit){10,}(?&lt;![:.=]))</c>,
/// found in linear time. The regex engine rescans to the next <c>]</c> from every <c>[</c> at which a match fails, so a
/// megabyte of <c>[</c> took minutes. Here every unit is found once: a unit at a position is deterministic (atomic
/// group: a bracket unit up to the next <c>]</c>, else the first element symbol of the alternation that matches, else one
/// character of the class), so the chain of units from every position is computed once, backwards, with the farthest end
/// on it that is not preceded by <c>: . =</c> (where the greedy <c>{10,}</c> settles after backtracking) and the number
/// of units up to it. Equality with the regex is asserted by the tests on random inputs.
/// </summary>
internal static class SmilesCandidateScanner
{
    private const string Bad = ":.=";

    /// <summary>Matches of the regex whose element alternation is <paramref name="elementsInOrder"/>.</summary>
    public static IEnumerable<(int Index, int Length)> Matches(string text, string[] elementsInOrder)
    {
        // Only symbols starting with the character at hand can match there; their relative order is the alternation's.
        var byFirst = new string[]?[128];
        foreach (var g in elementsInOrder.GroupBy(e => e[0])) byFirst[g.Key] = g.ToArray();
        var n = text.Length;
        var unit = new int[n + 1];   // length of the unit starting at p (0: none)
        var far = new int[n + 1];    // farthest good end on the chain from p, or -1
        var count = new int[n + 1];  // units from p up to far[p]
        far[n] = -1;
        var nextClose = n;           // first ']' at or after p + 1
        for (var p = n - 1; p >= 0; p--)
        {
            if (p + 1 < n && text[p + 1] == ']') nextClose = p + 1;
            unit[p] = UnitLength(text, p, nextClose, byFirst);
            if (unit[p] == 0)
            {
                far[p] = -1;
                continue;
            }
            var q = p + unit[p];
            if (far[q] >= 0)
            {
                far[p] = far[q];
                count[p] = count[q] + 1;
            }
            else if (!Bad.Contains(text[q - 1]))
            {
                far[p] = q;
                count[p] = 1;
            }
            else far[p] = -1;
        }
        var i = 0;
        while (i < n)
        {
            if (!Bad.Contains(text[i]) && far[i] >= 0 && count[i] >= 10)
            {
                yield return (i, far[i] - i);
                i = far[i];
            }
            else i++;
        }
    }

    private static int UnitLength(string text, int p, int nextClose, string[]?[] elementsByFirstChar)
    {
        var c = text[p];
        // \[[^\]]+\] : at least one character before the next ']'.
        if (c == '[') return nextClose < text.Length && nextClose > p + 1 ? nextClose - p + 1 : 0;
        if (c < 128 && elementsByFirstChar[c] is { } elements)
            foreach (var e in elements)
                if (p + e.Length <= text.Length && string.CompareOrdinal(text, p, e, 0, e.Length) == 0) return e.Length;
        // [\(\)\.=\-#@\d\$\%\*:\+\-\/\\] (\d is any Unicode decimal digit, as in .NET and Python).
        return c is '(' or ')' or '.' or '=' or '-' or '#' or '@' or '$' or '%' or '*' or ':' or '+' or '/' or '\\' || char.IsDigit(c) ? 1 : 0;
    }
}
