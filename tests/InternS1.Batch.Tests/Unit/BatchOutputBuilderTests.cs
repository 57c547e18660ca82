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

    [Fact]
    public void The_line_is_written_byte_for_byte_in_the_documented_order_with_tool_calls_kept_and_html_characters_escaped()
    {
        var row = new ExportRow
        {
            JobId = "j3", CustomId = "c3", Status = "succeeded", Content = "a<b", ToolCallsJson = """[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"q\":1}"}}]""",
            FinishReason = "tool_calls", Model = "m", Seed = 0, CompletedAt = null, PromptTokens = 1, CompletionTokens = 2,
            CachedTokens = 0, ReasoningTokens = 0, // reported zeros (the local engine's exact counts) are written
        };
        // System.Text.Json's default encoder writes '<' as \u003C and '"' in a string as \u0022; no reasoning_content when there is none.
        const string expected = """{"id":"batch_req_j3","custom_id":"c3","response":{"status_code":200,"request_id":"j3","body":{"id":"chatcmpl-j3","object":"chat.completion","created":0,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a\u003Cb","tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\u0022q\u0022:1}"}}]},"finish_reason":"tool_calls","logprobs":null}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":0,"image_tokens":0,"video_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}},"seed":0}},"error":null}""";
        Assert.Equal(expected, BatchOutputBuilder.ToJsonLine(BatchOutputBuilder.Build(row)));
    }

    [Fact]
    public void Counts_a_remote_server_did_not_report_are_left_out_of_the_line_and_never_written_as_zero()
    {
        var row = new ExportRow
        {
            JobId = "j6", CustomId = "c6", Status = "succeeded", Content = "ok", ToolCallsJson = "[]", FinishReason = "stop", Model = "m",
            PromptTokens = 10, CompletionTokens = 3, CachedTokens = null, ReasoningTokens = null,
        };
        const string usage = """
            "usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13,"prompt_tokens_details":{"image_tokens":0,"video_tokens":0},"completion_tokens_details":{}}
            """;
        Assert.Contains(usage, BatchOutputBuilder.ToJsonLine(BatchOutputBuilder.Build(row)));
    }

    [Fact]
    public void A_result_without_tool_calls_has_no_tool_calls_key_and_a_dead_letter_line_is_written_exactly()
    {
        var plain = new ExportRow { JobId = "j4", CustomId = "c4", Status = "succeeded", Content = "ok", ToolCallsJson = "[]", FinishReason = "stop", Model = "m" };
        Assert.DoesNotContain("tool_calls", BatchOutputBuilder.ToJsonLine(BatchOutputBuilder.Build(plain)));
        var dead = new ExportRow { JobId = "j5", CustomId = "c5", Status = "expired" };
        Assert.Equal("""{"id":"batch_req_j5","custom_id":"c5","response":null,"error":{"code":"expired","message":"job ended with status expired"}}""",
            BatchOutputBuilder.ToJsonLine(BatchOutputBuilder.Build(dead)));
    }
}
