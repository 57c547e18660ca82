using System.Text.Json;
using InternS1.Batch.Contracts.Batch;
using InternS1.Batch.Storage.Entities;

namespace InternS1.Batch.Storage.Export;

/// <summary>
/// Builds OpenAI Batch output lines from exported rows: a succeeded job becomes
/// <c>{id, custom_id, response:{status_code:200, request_id, body: chat.completion}, error:null}</c> whose
/// usage carries <c>prompt_tokens_details.cached_tokens</c> and <c>completion_tokens_details.reasoning_tokens</c>
/// (each left out when a remote server did not report it: unknown is not 0; and, for a structured
/// <c>response_format</c>, <c>structured_valid</c> and <c>structured_error</c>);
/// a dead-lettered, failed or expired job becomes <c>{id, custom_id, response:null, error:{code, message}}</c>;
/// a cancelled job the same with <c>code: "cancelled"</c> and a message saying who cancelled it and when.
/// </summary>
public static class BatchOutputBuilder
{
    /// <summary>The output line of <paramref name="row"/>.</summary>
    public static BatchOutputLine Build(ExportRow row)
    {
        var id = "batch_req_" + row.JobId;
        if (row.Content is null && row.Status == JobStatus.Cancelled && row.ReasonCode is null)
        {
            return new BatchOutputLine
            {
                Id = id,
                CustomId = row.CustomId,
                Error = new BatchError { Code = BatchError.CancelledCode, Message = CancelledMessage(row) },
            };
        }
        if (row.Content is null)
        {
            return new BatchOutputLine
            {
                Id = id,
                CustomId = row.CustomId,
                Error = new BatchError { Code = row.ReasonCode ?? row.Status, Message = row.ErrorMessage ?? $"job ended with status {row.Status}" },
            };
        }
        var body = new ChatCompletion
        {
            Id = "chatcmpl-" + row.JobId,
            Created = row.CompletedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)).ToUnixTimeSeconds() : 0,
            Model = row.Model,
            Choices =
            [
                new ChatCompletionChoice
                {
                    Index = 0,
                    Message = new ChatCompletionMessage { Content = row.Content, ReasoningContent = row.ReasoningContent, ToolCalls = ToolCalls(row.ToolCallsJson) },
                    FinishReason = row.FinishReason,
                },
            ],
            Usage = new CompletionUsage
            {
                PromptTokens = row.PromptTokens,
                CompletionTokens = row.CompletionTokens,
                TotalTokens = row.PromptTokens + row.CompletionTokens,
                PromptTokensDetails = new PromptTokensDetails { CachedTokens = row.CachedTokens, ImageTokens = row.ImageTokens, VideoTokens = row.VideoTokens },
                CompletionTokensDetails = new CompletionTokensDetails { ReasoningTokens = row.ReasoningTokens },
            },
            Seed = row.Seed,
            StructuredValid = row.StructuredValid,
            StructuredError = row.StructuredValid == false ? row.StructuredError : null,
        };
        return new BatchOutputLine
        {
            Id = id,
            CustomId = row.CustomId,
            Response = new BatchResponse { StatusCode = 200, RequestId = row.JobId, Body = body },
        };
    }

    /// <summary>"cancelled by alice@host at 2026-11-30 21:04:05Z", or a plain sentence when nobody was recorded.</summary>
    private static string CancelledMessage(ExportRow row)
        => row.CancelledBy is { } by && row.CancelledAt is { } at
            ? $"cancelled by {by} at {DateTime.SpecifyKind(at, DateTimeKind.Utc):u}"
            : "cancelled by an operator";

    /// <summary>The line as one line of JSON.</summary>
    public static string ToJsonLine(BatchOutputLine line) => JsonSerializer.Serialize(line);

    /// <summary>The stored tool calls when they are a non-empty array; null (left out) otherwise.</summary>
    private static JsonElement? ToolCalls(string? json)
    {
        if (json is null)
            return null;
        var calls = JsonSerializer.Deserialize<JsonElement>(json);
        return calls is { ValueKind: JsonValueKind.Array } && calls.GetArrayLength() > 0 ? calls : null;
    }
}
