using InternS1.Text.Parsing;

namespace InternS1.Text.Tests.Parsing;

public class CompletionParserTests
{
    private static string Id(int i) => $"call_{i}";

    [Fact]
    public void Without_thinking_and_without_a_think_block_everything_is_content()
    {
        var r = CompletionParser.Parse("Paris is the capital.", thinkingEnabled: false);
        Assert.Null(r.ReasoningContent);
        Assert.Equal("Paris is the capital.", r.Content);
        Assert.Empty(r.ToolCalls);
        Assert.Equal("stop", r.FinishReason);
    }

    [Fact]
    public void Generation_starting_inside_think_splits_at_the_first_closing_tag()
    {
        var r = CompletionParser.Parse("\nLet me add.\n2+2=4.\n</think>\n\nThe answer is 4.</think>");
        Assert.Equal("Let me add.\n2+2=4.", r.ReasoningContent);
        Assert.Equal("\n\nThe answer is 4.</think>", r.Content);
        Assert.Equal("stop", r.FinishReason);
    }

    [Fact]
    public void An_opening_think_tag_in_the_output_is_removed_from_the_reasoning()
    {
        var r = CompletionParser.Parse("<think>\nhmm\n</think>ok", thinkingEnabled: false);
        Assert.Equal("hmm", r.ReasoningContent);
        Assert.Equal("ok", r.Content);
    }

    [Fact]
    public void Unterminated_think_block_at_the_length_limit_is_all_reasoning()
    {
        var r = CompletionParser.Parse("\nStill thinking about the", stoppedByLength: true);
        Assert.Equal("Still thinking about the", r.ReasoningContent);
        Assert.Equal("", r.Content);
        Assert.Equal("length", r.FinishReason);
    }

    [Fact]
    public void One_action_call_with_parameters_becomes_an_openai_tool_call()
    {
        var text = "\nneed weather\n</think>I will check.<|action_start|><|plugin|>\n{\"name\": \"get_weather\", \"parameters\": {\"location\": \"Tokyo\"}}<|action_end|>";
        var r = CompletionParser.Parse(text, toolCallId: Id);
        Assert.Equal("need weather", r.ReasoningContent);
        Assert.Equal("I will check.", r.Content);
        var call = Assert.Single(r.ToolCalls);
        Assert.Equal(new ParsedToolCall("call_0", "get_weather", "{\"location\": \"Tokyo\"}"), call);
        Assert.Equal("function", call.Type);
        Assert.Equal("tool_calls", r.FinishReason);
        Assert.False(r.HasMalformedToolCall);
    }

    [Fact]
    public void Two_sequential_calls_with_arguments_and_a_spaced_header_are_both_parsed()
    {
        var text = "Two lookups.<|action_start|><|plugin|>{\"name\": \"a\", \"arguments\": {\"x\": 1}}<|action_end|>" +
                   "<|action_start|> <|plugin|>\n{\"name\": \"b\", \"arguments\": \"{\\\"y\\\": [true, null]}\"}\n<|action_end|>";
        var r = CompletionParser.Parse(text, thinkingEnabled: false, toolCallId: Id);
        Assert.Equal("Two lookups.", r.Content);
        Assert.Equal([new ParsedToolCall("call_0", "a", "{\"x\": 1}"), new ParsedToolCall("call_1", "b", "{\"y\": [true, null]}")], r.ToolCalls);
    }

    [Fact]
    public void Malformed_json_stays_in_content_with_a_flag()
    {
        var text = "Try.<|action_start|><|plugin|>{\"name\": \"a\", \"parameters\": {\"x\": }<|action_end|> done";
        var r = CompletionParser.Parse(text, thinkingEnabled: false);
        Assert.Empty(r.ToolCalls);
        Assert.True(r.HasMalformedToolCall);
        Assert.Equal(text, r.Content);
        Assert.Equal("stop", r.FinishReason);
    }

    [Fact]
    public void A_good_call_next_to_a_malformed_one_is_kept()
    {
        var bad = "<|action_start|><|plugin|>not json<|action_end|>";
        var text = bad + "<|action_start|><|plugin|>{\"name\": \"ok\"}<|action_end|>";
        var r = CompletionParser.Parse(text, thinkingEnabled: false, toolCallId: Id);
        Assert.Equal(bad, r.Content);
        Assert.Equal([new ParsedToolCall("call_0", "ok", "{}")], r.ToolCalls);
        Assert.True(r.HasMalformedToolCall);
    }

    [Fact]
    public void Default_tool_call_ids_are_unique()
    {
        var text = "<|action_start|><|plugin|>{\"name\": \"a\"}<|action_end|><|action_start|><|plugin|>{\"name\": \"b\"}<|action_end|>";
        var r = CompletionParser.Parse(text, thinkingEnabled: false);
        Assert.Equal(2, r.ToolCalls.Select(c => c.Id).Distinct().Count());
        Assert.All(r.ToolCalls, c => Assert.Matches("^call_[0-9a-f]{24}$", c.Id));
    }

    [Theory]
    [InlineData(new[] { 5, 6, 151668, 7, 8 }, true, 3)]
    [InlineData(new[] { 5, 6, 7 }, true, 3)]
    [InlineData(new[] { 5, 6, 7 }, false, 0)]
    [InlineData(new[] { 151668 }, false, 1)]
    public void Reasoning_tokens_are_counted_up_to_and_including_the_first_think_end(int[] ids, bool thinking, int expected) =>
        Assert.Equal(expected, CompletionParser.CountReasoningTokens(ids, 151668, thinking));
}
