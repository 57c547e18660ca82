using InternS1.Text.Parsing;

namespace InternS1.Batch.Http.Serve.Streaming;

/// <summary>
/// Splits streamed output text (special tokens kept) into reasoning and answer deltas the way
/// <see cref="CompletionParser.Parse"/> splits the whole text, sending only what more text can no longer change: the
/// reasoning while the think block is open (one trailing newline and a partial <c>&lt;/think&gt;</c> held back, as the
/// parser strips them), then the answer up to the first <c>&lt;|action_start|&gt;</c> (a tool call, or text the parser
/// decides on at the end). So what was sent is always a prefix of the parser's result; <see cref="Finish"/> gives the
/// rest from that result. With thinking off, a text that opens with <c>&lt;think&gt;</c> is held until its
/// <c>&lt;/think&gt;</c> (the parser calls it reasoning only then).
/// </summary>
public sealed class CompletionStreamSplitter(bool thinkingEnabled)
{
    private readonly System.Text.StringBuilder _text = new();

    /// <summary>Reasoning text sent so far.</summary>
    public string SentReasoning { get; private set; } = "";

    /// <summary>Answer text sent so far.</summary>
    public string SentContent { get; private set; } = "";

    /// <summary>Adds <paramref name="delta"/>; returns the new reasoning and answer text that may be sent now.</summary>
    public (string Reasoning, string Content) Push(string delta)
    {
        if (delta.Length == 0) return ("", "");
        _text.Append(delta);
        var (reasoning, content) = Stable(_text.ToString());
        return (Advance(reasoning, isReasoning: true), Advance(content, isReasoning: false));
    }

    /// <summary>What is left to send once the parser has the final split: the rest of its reasoning and answer after
    /// what was sent (null reasoning when it has none).</summary>
    public (string? Reasoning, string Content) Finish(string? finalReasoning, string finalContent) =>
        (finalReasoning is null ? null : Rest(finalReasoning, SentReasoning), Rest(finalContent, SentContent));

    private static string Rest(string final, string sent) => final.StartsWith(sent, StringComparison.Ordinal) ? final[sent.Length..] : "";

    private string Advance(string stable, bool isReasoning)
    {
        var sent = isReasoning ? SentReasoning : SentContent;
        // NOTE: stable text only grows; the check is a guard, never a retraction (Finish sends what is left).
        if (stable.Length <= sent.Length || !stable.StartsWith(sent, StringComparison.Ordinal)) return "";
        var added = stable[sent.Length..];
        if (isReasoning) SentReasoning = stable; else SentContent = stable;
        return added;
    }

    /// <summary>The reasoning and answer text of <paramref name="text"/> that no continuation can change.</summary>
    private (string Reasoning, string Content) Stable(string text)
    {
        var end = text.IndexOf(CompletionParser.ThinkEnd, StringComparison.Ordinal);
        var opensThink = text.TrimStart().StartsWith(CompletionParser.ThinkStart, StringComparison.Ordinal);
        if (!thinkingEnabled && IsUndecidedStart(text)) return ("", "");
        if (!thinkingEnabled && !opensThink) return ("", StableContent(text));
        if (end < 0)
            return thinkingEnabled ? (OpenReasoning(text), "") : ("", ""); // thinking off: held until </think>
        return (ClosedReasoning(text[..end]) ?? "", StableContent(text[(end + CompletionParser.ThinkEnd.Length)..]));
    }

    /// <summary>True while the text after leading white space could still become <c>&lt;think&gt;</c>.</summary>
    private static bool IsUndecidedStart(string text)
    {
        var trimmed = text.TrimStart();
        return trimmed.Length < CompletionParser.ThinkStart.Length && CompletionParser.ThinkStart.StartsWith(trimmed, StringComparison.Ordinal);
    }

    /// <summary>The parser's reasoning of a closed think block: a leading <c>&lt;think&gt;</c> (after white space)
    /// removed, then one leading and one trailing newline.</summary>
    private static string? ClosedReasoning(string body)
    {
        var start = body.IndexOf(CompletionParser.ThinkStart, StringComparison.Ordinal);
        if (start >= 0 && body[..start].Trim().Length == 0) body = body[(start + CompletionParser.ThinkStart.Length)..];
        if (body.StartsWith('\n')) body = body[1..];
        if (body.EndsWith('\n')) body = body[..^1];
        return body;
    }

    /// <summary>The sure part of an open think block: nothing while its start is undecided; else the body less a
    /// suffix that could begin <c>&lt;/think&gt;</c> and one newline before it.</summary>
    private static string OpenReasoning(string body)
    {
        if (IsUndecidedStart(body)) return "";
        var start = body.IndexOf(CompletionParser.ThinkStart, StringComparison.Ordinal);
        if (start >= 0 && body[..start].Trim().Length == 0) body = body[(start + CompletionParser.ThinkStart.Length)..];
        if (body.Length == 0) return ""; // the first character decides the leading-newline rule
        if (body.StartsWith('\n')) body = body[1..];
        var keep = body.Length - PartialSuffix(body, CompletionParser.ThinkEnd);
        if (keep > 0 && body[keep - 1] == '\n') keep--;
        return body[..keep];
    }

    /// <summary>The answer up to the first action start, less a suffix that could begin one.</summary>
    private static string StableContent(string rest)
    {
        var action = rest.IndexOf(CompletionParser.ActionStart, StringComparison.Ordinal);
        return action >= 0 ? rest[..action] : rest[..^PartialSuffix(rest, CompletionParser.ActionStart)];
    }

    /// <summary>Length of the longest suffix of <paramref name="text"/> that is a proper prefix of <paramref name="tag"/>.</summary>
    private static int PartialSuffix(string text, string tag)
    {
        for (var n = Math.Min(tag.Length - 1, text.Length); n > 0; n--)
        {
            if (string.CompareOrdinal(text, text.Length - n, tag, 0, n) == 0) return n;
        }
        return 0;
    }
}
