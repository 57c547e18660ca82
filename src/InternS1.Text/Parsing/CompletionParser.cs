using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternS1.Text.Jinja;

namespace InternS1.Text.Parsing;

/// <summary>
/// Parses Intern-S1 output text (decoded with special tokens kept) like LMDeploy's <c>intern-s1</c> reasoning and
/// tool parsers: with thinking on the generation starts inside <c>&lt;think&gt;</c>, so everything up to the first
/// <c>&lt;/think&gt;</c> is reasoning (all of it when the tag never came, e.g. at the length limit); tool calls are
/// InternLM2 action blocks <c>&lt;|action_start|&gt;&lt;|plugin|&gt;{json}&lt;|action_end|&gt;</c> (several allowed) with
/// <c>name</c> and <c>parameters</c> or <c>arguments</c>. Never throws on model output.
/// </summary>
public static class CompletionParser
{
    public const string ThinkStart = "<think>", ThinkEnd = "</think>";
    public const string ActionStart = "<|action_start|>", Plugin = "<|plugin|>", ActionEnd = "<|action_end|>";

    /// <summary>Splits <paramref name="text"/> into reasoning, content and tool calls.</summary>
    /// <param name="text">Generated text, special tokens kept.</param>
    /// <param name="thinkingEnabled">The prompt ended inside a think block (Intern-S1's default).</param>
    /// <param name="stoppedByLength">Generation ended at the token limit (finish_reason <c>length</c>).</param>
    /// <param name="toolCallId">Id for the n-th tool call; default <c>call_</c> + 24 random hex digits.</param>
    public static ParsedCompletion Parse(string text, bool thinkingEnabled = true, bool stoppedByLength = false, Func<int, string>? toolCallId = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        toolCallId ??= _ => "call_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        string? reasoning = null;
        var rest = text;
        var end = text.IndexOf(ThinkEnd, StringComparison.Ordinal);
        if (thinkingEnabled || end >= 0 && text.TrimStart().StartsWith(ThinkStart, StringComparison.Ordinal))
        {
            var body = end >= 0 ? text[..end] : text;
            var start = body.IndexOf(ThinkStart, StringComparison.Ordinal);
            if (start >= 0 && body[..start].Trim().Length == 0) body = body[(start + ThinkStart.Length)..];
            if (body.StartsWith('\n')) body = body[1..];
            if (body.EndsWith('\n')) body = body[..^1];
            reasoning = body;
            rest = end >= 0 ? text[(end + ThinkEnd.Length)..] : "";
        }
        var (content, calls, malformed) = ParseActions(rest, toolCallId);
        var finish = stoppedByLength ? "length" : calls.Count > 0 ? "tool_calls" : "stop";
        return new ParsedCompletion(reasoning, content, calls, finish, malformed);
    }

    /// <summary>Reasoning tokens of an output: those up to and including the first <c>&lt;/think&gt;</c> id; all of
    /// them when thinking was on and the tag never came; none when thinking was off and there is no tag.</summary>
    public static int CountReasoningTokens(IReadOnlyList<int> outputIds, int thinkEndTokenId, bool thinkingEnabled = true)
    {
        ArgumentNullException.ThrowIfNull(outputIds);
        for (var i = 0; i < outputIds.Count; i++)
            if (outputIds[i] == thinkEndTokenId) return i + 1;
        return thinkingEnabled ? outputIds.Count : 0;
    }

    private static (string Content, List<ParsedToolCall> Calls, bool Malformed) ParseActions(string text, Func<int, string> toolCallId)
    {
        var calls = new List<ParsedToolCall>();
        var content = new StringBuilder();
        var malformed = false;
        var pos = 0;
        while (pos < text.Length)
        {
            var (start, headerLength) = FindActionHeader(text, pos);
            if (start < 0) { content.Append(text, pos, text.Length - pos); break; }
            content.Append(text, pos, start - pos);
            var bodyStart = start + headerLength;
            var endTag = text.IndexOf(ActionEnd, bodyStart, StringComparison.Ordinal);
            var blockEnd = endTag >= 0 ? endTag + ActionEnd.Length : text.Length;
            var body = text[bodyStart..(endTag >= 0 ? endTag : text.Length)];
            if (TryParseCall(body, calls.Count, toolCallId, out var call)) calls.Add(call);
            else
            {
                malformed = true;
                content.Append(text, start, blockEnd - start);
            }
            pos = blockEnd;
        }
        return (content.ToString(), calls, malformed);
    }

    private static (int Start, int Length) FindActionHeader(string text, int from)
    {
        var i = text.IndexOf(ActionStart, from, StringComparison.Ordinal);
        while (i >= 0)
        {
            var j = i + ActionStart.Length;
            // NOTE: sglang also accepts a space between the tags (spaces_between_special_tokens).
            if (j < text.Length && text[j] == ' ') j++;
            if (string.CompareOrdinal(text, j, Plugin, 0, Plugin.Length) == 0) return (i, j + Plugin.Length - i);
            i = text.IndexOf(ActionStart, i + 1, StringComparison.Ordinal);
        }
        return (-1, 0);
    }

    private static bool TryParseCall(string body, int index, Func<int, string> toolCallId, out ParsedToolCall call)
    {
        call = null!;
        var brace = body.IndexOf('{');
        if (brace < 0) return false;
        JsonObject? obj;
        try
        {
            obj = JsonNode.Parse(body[brace..].TrimEnd()) as JsonObject;
        }
        catch (JsonException) { return false; }
        if (obj?["name"] is not JsonValue nameValue || !nameValue.TryGetValue<string>(out var name)) return false;
        var args = obj["parameters"] ?? obj["arguments"] ?? new JsonObject();
        if (args is JsonValue s && s.TryGetValue<string>(out var argText))
        {
            try { args = JsonNode.Parse(argText) ?? new JsonObject(); }
            catch (JsonException) { return false; }
        }
        call = new ParsedToolCall(toolCallId(index), name, JsonWriter.Write(JinjaTemplate.FromJson(args), new JsonWriter.Options()));
        return true;
    }
}
