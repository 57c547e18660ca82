using System.Text.Json.Nodes;
using InternS1.Batch.Storage.Export;

namespace InternS1.Batch.Tests.Unit;

public class BatchOutputBuilderTests
{
    [Fact]
    public void A_result_becomes_an_openai_batch_output_line_with_detailed_usage()
    {
        var row = new ExportRow
        {
            JobId = "j1", CustomId = "c1", Status = "succeeded", Content = "4", ReasoningContent = "2+2", ToolCallsJson = "[]",
            FinishReason = "stop", Model = "intern-s1", Seed = 9, CompletedAt = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            PromptTokens = 300, ImageTokens = 256, CachedTokens = 16, CompletionTokens = 12, ReasoningTokens = 5,
        };
        var line = JsonNode.Parse(BatchOutputBuilder.ToJsonLine(BatchOutputBuilder.Build(row)))!;
        var expected = JsonNode.Parse("""
            {"id":"batch_req_j1","custom_id":"c1",
             "response":{"status_code":200,"request_id":"j1","body":{
               "id":"chatcmpl-j1","object":"chat.completion","created":1735787045,"model":"intern-s1",
               "choices":[{"index":0,"message":{"role":"assistant","content":"4","reasoning_content":"2+2"},"finish_reason":"stop","logprobs":null}],
               "usage":{"prompt_tokens":300,"completion_tokens":12,"total_tokens":312,
                        "prompt_tokens_details":{"cached_tokens":16,"image_tokens":256,"video_tokens":0},
                        "completion_tokens_details":{"reasoning_tokens":5}},
               "seed":9}},
             "error":null}
            """);
        Assert.True(JsonNode.DeepEquals(expected, line), line!.ToJsonString());
    }

    [Fact]
    public void A_dead_letter_becomes_a_line_with_an_error_and_no_response()
    {
        var row = new ExportRow { JobId = "j2", CustomId = "c2", Status = "dead_lettered", ReasonCode = "invalid_sampling", ErrorMessage = "sampling.top_p: 0 is not in (0, 1]" };
        var line = JsonNode.Parse(BatchOutputBuilder.ToJsonLine(BatchOutputBuilder.Build(row)))!;
        var expected = JsonNode.Parse("""{"id":"batch_req_j2","custom_id":"c2","response":null,"error":{"code":"invalid_sampling","message":"sampling.top_p: 0 is not in (0, 1]"}}""");
        Assert.True(JsonNode.DeepEquals(expected, line), line.ToJsonString());
    }
}
