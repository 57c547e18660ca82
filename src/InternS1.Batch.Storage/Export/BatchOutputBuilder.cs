using System.Text.Json;
using System.Text.Json.Nodes;
using InternS1.Batch.Contracts.Batch;

namespace InternS1.Batch.Storage.Export;

/// <summary>
/// Builds OpenAI Batch output lines: a succeeded job becomes
/// <c>{id, custom_id, response:{status_code:200, request_id, body: chat.completion}, error:null}</c> whose
/// usage carries <c>prompt_tokens_details.cached_tokens</c> and <c>completion_tokens_details.reasoning_tokens</c>;
/// a dead-lettered, failed or expired job becomes <c>{id, custom_id, response:null, error:{code, message}}</c>.
/// </summary>
public static class BatchOutputBuilder
{
    public static BatchOutputLine Build(ExportRow row)
    {
        var id = "batch_req_" + row.JobId;
        if (row.Content is null)
        {
            return new BatchOutputLine
            {
                Id = id,
                CustomId = row.CustomId,
                Error = new BatchError { Code = row.ReasonCode ?? row.Status, Message = row.ErrorMessage ?? $"job ended with status {row.Status}" },
            };
        }
        var message = new JsonObject { ["role"] = "assistant", ["content"] = row.Content };
        if (row.ReasoningContent is not null)
            message["reasoning_content"] = row.ReasoningContent;
        if (row.ToolCallsJson is not null && JsonNode.Parse(row.ToolCallsJson) is JsonArray { Count: > 0 } calls)
            message["tool_calls"] = calls;
        var body = new JsonObject
        {
            ["id"] = "chatcmpl-" + row.JobId,
            ["object"] = "chat.completion",
            ["created"] = row.CompletedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)).ToUnixTimeSeconds() : 0,
            ["model"] = row.Model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["finish_reason"] = row.FinishReason,
                ["logprobs"] = null,
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = row.PromptTokens,
                ["completion_tokens"] = row.CompletionTokens,
                ["total_tokens"] = row.PromptTokens + row.CompletionTokens,
                ["prompt_tokens_details"] = new JsonObject
                {
                    ["cached_tokens"] = row.CachedTokens,
                    ["image_tokens"] = row.ImageTokens,
                    ["video_tokens"] = row.VideoTokens,
                },
                ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = row.ReasoningTokens },
            },
            ["seed"] = row.Seed,
        };
        return new BatchOutputLine
        {
            Id = id,
            CustomId = row.CustomId,
            Response = new BatchResponse
            {
                StatusCode = 200,
                RequestId = row.JobId,
                Body = JsonSerializer.SerializeToElement(body),
            },
        };
    }

    /// <summary>The line as one line of JSON.</summary>
    public static string ToJsonLine(BatchOutputLine line) => JsonSerializer.Serialize(line);
}
