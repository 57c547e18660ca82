using System.Text;
using System.Text.Json;
using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Remote.Responses;

namespace InternS1.Batch.Remote.Streaming;

/// <summary>
/// Folds the chunks of one streamed chat completion (choice 0) into its content, reasoning, tool calls,
/// finish reason and usage, and records which fields the server actually sent.
/// </summary>
internal sealed class StreamAccumulator
{
    private readonly StringBuilder _content = new();
    private readonly StringBuilder _reasoning = new();
    private readonly SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)> _toolCalls = [];
    private readonly SortedSet<string> _reported = new(StringComparer.Ordinal);
    private bool _sawReasoning;
    private bool _sawReasoningContent;
    private RemoteUsage _usage = RemoteUsage.None;

    /// <summary>The last non-null <c>finish_reason</c> of choice 0.</summary>
    public string? FinishReason { get; private set; }

    /// <summary>Events folded so far.</summary>
    public int Events { get; private set; }

    /// <summary>Folds one chunk. Returns the error text when the chunk is an error event.</summary>
    public string? Add(ChatChunk chunk)
    {
        Events++;
        if (chunk.Error is { ValueKind: not JsonValueKind.Null } error)
            return ErrorText(error);
        foreach (var choice in chunk.Choices ?? [])
        {
            if (choice.Index != 0)
                continue;
            if (choice.Delta is { } delta)
                AddDelta(delta);
            if (choice.FinishReason is { Length: > 0 } finish)
                FinishReason = finish;
        }
        if (chunk.Usage is { } usage)
            AddUsage(usage);
        return null;
    }

    private void AddDelta(ChatChunk.Delta delta)
    {
        if (delta.Content is { } content)
            _content.Append(content);
        // NOTE: reasoning first, then reasoning_content (vLLM sent both while renaming; Ollama and new vLLM
        // send reasoning, LMDeploy and SGLang reasoning_content). Appending both would double the text.
        if (delta.Reasoning is { } reasoning)
        {
            _sawReasoning = true;
            _reported.Add("delta.reasoning");
            _reasoning.Append(reasoning);
        }
        else if (delta.ReasoningContent is { } reasoningContent)
        {
            _sawReasoningContent = true;
            _reported.Add("delta.reasoning_content");
            _reasoning.Append(reasoningContent);
        }
        foreach (var call in delta.ToolCalls ?? [])
        {
            _reported.Add("delta.tool_calls");
            var index = call.Index ?? _toolCalls.Count;
            var (id, name, arguments) = _toolCalls.TryGetValue(index, out var existing) ? existing : (null, null, new StringBuilder());
            id ??= call.Id is { Length: > 0 } ? call.Id : null;
            name ??= call.Function?.Name is { Length: > 0 } ? call.Function.Name : null;
            arguments.Append(call.Function?.Arguments);
            _toolCalls[index] = (id, name, arguments);
        }
    }

    private void AddUsage(ChatChunk.UsageDto usage)
    {
        // NOTE: with continuous usage stats every chunk carries usage; the last one is the total.
        var reasoning = usage.CompletionTokensDetails?.ReasoningTokens ?? usage.ReasoningTokens;
        _usage = new RemoteUsage
        {
            PromptTokens = usage.PromptTokens,
            CompletionTokens = usage.CompletionTokens,
            CachedTokens = usage.PromptTokensDetails?.CachedTokens,
            ReasoningTokens = reasoning,
        };
        Report(usage.PromptTokens, "usage.prompt_tokens");
        Report(usage.CompletionTokens, "usage.completion_tokens");
        Report(usage.PromptTokensDetails?.CachedTokens, "usage.prompt_tokens_details.cached_tokens");
        Report(usage.CompletionTokensDetails?.ReasoningTokens, "usage.completion_tokens_details.reasoning_tokens");
        Report(usage.ReasoningTokens, "usage.reasoning_tokens");
    }

    private void Report(int? value, string path)
    {
        if (value is not null)
            _reported.Add(path);
    }

    /// <summary>The completion so far, with endpoint facts filled in by the caller.</summary>
    public (string Content, string? Reasoning, ReasoningSource Source, IReadOnlyList<ToolCall> ToolCalls, RemoteUsage Usage, IReadOnlyList<string> Reported) Result()
    {
        var source = _sawReasoning ? ReasoningSource.ReasoningField
            : _sawReasoningContent ? ReasoningSource.ReasoningContentField
            : ReasoningSource.None;
        var calls = _toolCalls.Select(kv => new ToolCall
        {
            Id = kv.Value.Id ?? $"call_{kv.Key}",
            Function = new FunctionCall { Name = kv.Value.Name ?? "", Arguments = kv.Value.Arguments.ToString() },
        }).ToList();
        return (_content.ToString(), source == ReasoningSource.None ? null : _reasoning.ToString(), source, calls, _usage, _reported.ToList());
    }

    private static string ErrorText(JsonElement error)
    {
        if (error.ValueKind == JsonValueKind.String)
            return error.GetString() ?? "";
        if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            return message.GetString() ?? "";
        return error.GetRawText();
    }
}
