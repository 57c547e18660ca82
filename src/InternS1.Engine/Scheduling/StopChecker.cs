using InternS1.Engine.Execution;
using InternS1.Engine.Requests;

namespace InternS1.Engine.Scheduling;

/// <summary>
/// Decides after each appended token whether a sequence ends (vLLM's <c>check_stop</c>): a stop
/// token (unless IgnoreEos), a stop string, MaxNewTokens, or the longest sequence that can run.
/// Stop strings are checked incrementally on a decoded window of the newest tokens.
/// </summary>
internal sealed class StopChecker(ITokenDecoder decoder, int maxSequenceLength)
{
    /// <summary>The finish reason after <paramref name="seq"/>'s newest token, or null to go on.</summary>
    public (FinishReason? Reason, string? StopString) Check(EngineSequence seq)
    {
        var s = seq.Request.Sampling;
        var last = seq.AllTokens[^1];
        if (!s.IgnoreEos && s.StopTokenIds.Contains(last)) return (FinishReason.Stop, null);
        if (s.StopStrings.Count > 0 && FindNewStopString(seq) is { } stop) return (FinishReason.Stop, stop);
        if (seq.NumOutputTokens >= s.MaxNewTokens || seq.NumTokens >= maxSequenceLength) return (FinishReason.Length, null);
        return (null, null);
    }

    /// <summary>The output text: without a final stop token, cut before a matched stop string.</summary>
    public string OutputText(EngineSequence seq, FinishReason reason, string? stopString)
    {
        var ids = seq.OutputTokens.ToList();
        if (ids.Count == 0) return string.Empty;
        var s = seq.Request.Sampling;
        if (reason == FinishReason.Stop && stopString is null && !s.IgnoreEos && s.StopTokenIds.Contains(ids[^1]))
            ids.RemoveAt(ids.Count - 1);
        var text = decoder.Decode(ids);
        if (stopString is not null)
        {
            var cut = text.IndexOf(stopString, StringComparison.Ordinal);
            if (cut >= 0) text = text[..cut];
        }
        return text;
    }

    // NOTE: decoding only a window keeps the check O(window) per token instead of O(output). A stop
    // string of L chars spans at most 4L bytes, so at most 4L byte-level tokens; two more tokens absorb
    // a character split at the window's start. A match that completed earlier was caught earlier, so
    // any match inside the window is new.
    private string? FindNewStopString(EngineSequence seq)
    {
        var stops = seq.Request.Sampling.StopStrings;
        var window = Math.Min(seq.NumOutputTokens, 4 * stops.Max(x => x.Length) + 2);
        var tail = new int[window];
        for (var i = 0; i < window; i++) tail[i] = seq.AllTokens[seq.NumTokens - window + i];
        var text = decoder.Decode(tail);
        string? best = null;
        var bestAt = int.MaxValue;
        foreach (var stop in stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && at < bestAt) (best, bestAt) = (stop, at);
        }
        return best;
    }
}
