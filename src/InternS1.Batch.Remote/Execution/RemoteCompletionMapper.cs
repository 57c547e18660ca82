using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Events;
using InternS1.Batch.Remote.Responses;
using InternS1.Batch.Worker.Execution;
using InternS1.Text.Parsing;

namespace InternS1.Batch.Remote.Execution;

/// <summary>
/// Turns what a server streamed into the result the worker stores, verifying rather than trusting it:
/// <list type="bullet">
/// <item>reasoning from the server's reasoning field; without one, the content is split at the first
/// <c>&lt;/think&gt;</c> by our own <see cref="CompletionParser"/> (a server without a reasoning parser);</item>
/// <item>tool calls from the server, else parsed by <see cref="CompletionParser"/> from raw action text in the content
/// (<c>&lt;|action_start|&gt;&lt;|plugin|&gt;{json}&lt;|action_end|&gt;</c>);</item>
/// <item>thinking requested off but reasoning returned: kept, and flagged (<see cref="JobCompletion.ThinkingIgnored"/>);</item>
/// <item>token usage as reported: cached and reasoning tokens null when the server did not report them, never a
/// guessed 0; image and video tokens from our own preprocessing; the reported fields listed.</item>
/// </list>
/// </summary>
public static class RemoteCompletionMapper
{
    /// <summary>The completion of <paramref name="completion"/>, or null when the server reported no prompt or
    /// completion token count (the caller dead-letters the job: its accounting cannot be kept).</summary>
    public static JobCompletion? Map(RemoteCompletion completion, PreparedRemoteJob prepared)
    {
        if (completion.Usage.PromptTokens is not { } prompt || completion.Usage.CompletionTokens is not { } generated)
            return null;
        var thinking = prepared.Request.EnableThinking;
        string? reasoning;
        ParsedCompletion parsed;
        if (completion.ReasoningSource != ReasoningSource.None)
        {
            // An empty reasoning field with thinking off is no reasoning (the local engine stores null then).
            reasoning = string.IsNullOrEmpty(completion.Reasoning) && !thinking ? null : completion.Reasoning;
            parsed = CompletionParser.Parse(completion.Content, thinkingEnabled: false);
        }
        else
        {
            // NOTE: LMDeploy's intern-s1 parser: no </think> means it is all content. At the token limit with thinking
            // on, the think block never closed, and everything is reasoning (as the local engine stores it).
            var split = completion.Content.Contains(CompletionParser.ThinkEnd, StringComparison.Ordinal)
                || (thinking && completion.FinishReason == "length");
            parsed = CompletionParser.Parse(completion.Content, thinkingEnabled: split);
            reasoning = parsed.ReasoningContent;
        }

        var toolCalls = completion.ToolCalls.Count > 0
            ? completion.ToolCalls
            : parsed.ToolCalls.Select(c => new ToolCall { Id = c.Id, Function = new FunctionCall { Name = c.Name, Arguments = c.ArgumentsJson } }).ToList();
        var finish = completion.FinishReason == "length" ? "length" : toolCalls.Count > 0 ? "tool_calls" : "stop";
        return new JobCompletion
        {
            Content = parsed.Content,
            ReasoningContent = reasoning,
            ToolCalls = toolCalls,
            FinishReason = finish,
            ThinkingIgnored = !thinking && !string.IsNullOrEmpty(reasoning),
            Usage = new TokenUsageInfo
            {
                PromptTokens = prompt,
                ImageTokens = prepared.ImageTokens,
                VideoTokens = prepared.VideoTokens,
                CachedTokens = completion.Usage.CachedTokens,
                CompletionTokens = generated,
                ReasoningTokens = completion.Usage.ReasoningTokens,
                ReportedFields = completion.ReportedFields,
            },
            Model = completion.Model,
            Seed = prepared.Seed,
            // NOTE: the server's queueing and prefill are not visible apart: the time to the first streamed event
            // stands for both (queue 0), the rest of the stream for decoding.
            PrefillTime = completion.TimeToFirstEvent,
            DecodeTime = completion.Duration - completion.TimeToFirstEvent,
        };
    }
}
