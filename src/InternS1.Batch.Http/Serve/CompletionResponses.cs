using InternS1.Batch.Contracts.Batch;
using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Events;
using InternS1.Batch.Http.Serve.Wire;
using InternS1.Batch.Worker.Execution;

namespace InternS1.Batch.Http.Serve;

/// <summary>A request's <see cref="JobCompletion"/> in the OpenAI response shapes.</summary>
public static class CompletionResponses
{
    /// <summary>The <c>chat.completion</c> of a non-streamed request.</summary>
    public static ChatCompletionResponse Completion(string id, long created, JobCompletion c) => new()
    {
        Id = id,
        Created = created,
        Model = c.Model,
        Choices =
        [
            new ResponseChoice
            {
                Message = new ResponseMessage
                {
                    Content = c.Content.Length == 0 && c.ToolCalls.Count > 0 ? null : c.Content,
                    ReasoningContent = c.ReasoningContent,
                    Reasoning = c.ReasoningContent,
                    ToolCalls = c.ToolCalls.Count > 0 ? c.ToolCalls : null,
                },
                FinishReason = c.FinishReason,
            },
        ],
        Usage = Usage(c.Usage),
        Seed = c.Seed,
        StructuredValid = c.StructuredValid,
        StructuredError = c.StructuredError,
    };

    /// <summary>A chunk with one delta (and the finish reason on the last).</summary>
    public static ChatCompletionChunk Chunk(string id, long created, string model, ChunkDelta delta, string? finishReason = null) => new()
    {
        Id = id,
        Created = created,
        Model = model,
        Choices = [new ChunkChoice { Delta = delta, FinishReason = finishReason }],
    };

    /// <summary>The last chunk of <c>stream_options.include_usage</c>: no choice, the usage.</summary>
    public static ChatCompletionChunk UsageChunk(string id, long created, string model, TokenUsageInfo usage) => new()
    {
        Id = id, Created = created, Model = model, Choices = [], Usage = Usage(usage),
    };

    /// <summary>The tool calls of a completion as chunk deltas (each call whole, with its index).</summary>
    public static IReadOnlyList<ToolCallDelta> ToolCallDeltas(IReadOnlyList<ToolCall> calls) =>
        calls.Select((call, i) => new ToolCallDelta { Index = i, Id = call.Id, Function = call.Function }).ToArray();

    /// <summary>OpenAI's usage object of a request's accounting.</summary>
    public static CompletionUsage Usage(TokenUsageInfo u) => new()
    {
        PromptTokens = u.PromptTokens,
        CompletionTokens = u.CompletionTokens,
        TotalTokens = u.PromptTokens + u.CompletionTokens,
        PromptTokensDetails = new PromptTokensDetails { CachedTokens = u.CachedTokens, ImageTokens = u.ImageTokens, VideoTokens = u.VideoTokens },
        CompletionTokensDetails = new CompletionTokensDetails { ReasoningTokens = u.ReasoningTokens },
    };
}
