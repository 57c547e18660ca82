using System.Text;

namespace InternS1.Engine.Output;

/// <summary>One request's output text so far (vLLM's <c>IncrementalDetokenizer</c> and stop-string check):
/// the text its tokens completed, and where a matched stop string starts.</summary>
internal sealed class RequestOutputState(IIncrementalDetokenizer detokenizer, IReadOnlyList<string> stopStrings)
{
    private readonly StringBuilder _text = new();
    private readonly int _longestStop = stopStrings.Count == 0 ? 0 : stopStrings.Max(s => s.Length);
    private int _stopAt = -1;

    /// <summary>Appends one token's text; returns the stop string it completed, or null.</summary>
    public string? Append(int tokenId)
    {
        var before = _text.Length;
        var added = detokenizer.Append(tokenId);
        if (added.Length == 0) return null;
        _text.Append(added);
        if (_longestStop == 0) return null;

        // NOTE: a match must end in the new text (an earlier one would have stopped the request), so it starts
        // at most longest - 1 characters before it: only that tail is searched, O(new text + longest) per token.
        // Several matches: the one that starts first wins, then the first in the request's list.
        var from = Math.Max(0, before - (_longestStop - 1));
        var tail = _text.ToString(from, _text.Length - from);
        string? best = null;
        var bestAt = int.MaxValue;
        foreach (var stop in stopStrings)
        {
            var at = tail.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && at < bestAt) (best, bestAt) = (stop, at);
        }
        if (best is not null) _stopAt = from + bestAt;
        return best;
    }

    /// <summary>The whole text: what is still held back included, cut before a matched stop string.</summary>
    public string FinalText()
    {
        if (_stopAt >= 0) return _text.ToString(0, _stopAt);
        return _text.Append(detokenizer.Flush()).ToString();
    }
}
