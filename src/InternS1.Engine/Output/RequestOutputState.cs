using System.Text;

namespace InternS1.Engine.Output;

/// <summary>One request's output text so far (vLLM's <c>IncrementalDetokenizer</c> and stop-string check):
/// the text its tokens completed, and where a matched stop string starts.</summary>
internal sealed class RequestOutputState(IIncrementalDetokenizer detokenizer, IReadOnlyList<string> stopStrings, bool streamed = false)
{
    private readonly StringBuilder _text = new();
    private readonly int _longestStop = stopStrings.Count == 0 ? 0 : stopStrings.Max(s => s.Length);
    private int _stopAt = -1;
    private int _streamedLength;

    /// <summary>True when the request's caller reads its text as it is generated (<see cref="TakeDelta"/>).</summary>
    public bool Streamed { get; } = streamed;

    /// <summary>Tokens appended so far.</summary>
    public int NumTokens { get; private set; }

    /// <summary>Appends one token's text; returns the stop string it completed, or null.</summary>
    public string? Append(int tokenId)
    {
        NumTokens++;
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

    /// <summary>The text not returned by an earlier call that can no longer change: everything before a matched stop
    /// string, or else all but the last (longest stop string - 1) characters, which could still start a stop string
    /// (vLLM holds back the same). A match always starts at or after what was returned (see <see cref="Append"/>).</summary>
    public string TakeDelta()
    {
        var safe = _stopAt >= 0 ? _stopAt : Math.Max(0, _text.Length - Math.Max(0, _longestStop - 1));
        if (safe <= _streamedLength) return string.Empty;
        var delta = _text.ToString(_streamedLength, safe - _streamedLength);
        _streamedLength = safe;
        return delta;
    }

    /// <summary>The whole text: what is still held back included, cut before a matched stop string.</summary>
    public string FinalText()
    {
        if (_stopAt >= 0) return _text.ToString(0, _stopAt);
        return _text.Append(detokenizer.Flush()).ToString();
    }
}
