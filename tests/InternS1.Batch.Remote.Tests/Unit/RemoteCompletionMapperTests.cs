using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Remote.Execution;
using InternS1.Batch.Remote.Options;
using InternS1.Batch.Remote.Requests;
using InternS1.Batch.Remote.Responses;

namespace InternS1.Batch.Remote.Tests.Unit;

/// <summary>What a server streamed becomes the stored result; every expectation below is written out by hand.</summary>
public class RemoteCompletionMapperTests
{
    private static PreparedRemoteJob Prepared(bool thinking, int image = 0, int video = 0) => new()
    {
        Request = new RemoteChatRequest { Messages = [RemoteMessage.FromText("user", "hi")], EnableThinking = thinking },
        ImageTokens = image,
        VideoTokens = video,
        Seed = 42,
    };

    private static RemoteCompletion Completion(string content, string? reasoning = null, ReasoningSource source = ReasoningSource.None,
        string finish = "stop", RemoteUsage? usage = null, IReadOnlyList<ToolCall>? toolCalls = null) => new()
    {
        Content = content,
        Reasoning = reasoning,
        ReasoningSource = source,
        FinishReason = finish,
        RawFinishReason = finish,
        ToolCalls = toolCalls ?? [],
        Usage = usage ?? new RemoteUsage { PromptTokens = 10, CompletionTokens = 5 },
        ReportedFields = ["usage.completion_tokens", "usage.prompt_tokens"],
        Endpoint = "gpu:23333",
        Flavor = RemoteFlavor.Vllm,
        Model = "internlm/Intern-S1",
        TimeToFirstEvent = TimeSpan.FromMilliseconds(300),
        Duration = TimeSpan.FromMilliseconds(1300),
    };

    [Fact]
    public void Reasoning_from_the_servers_field_is_kept_and_the_content_is_the_answer()
    {
        var c = RemoteCompletionMapper.Map(Completion("\n\nThe answer.", "Let me think.", ReasoningSource.ReasoningField), Prepared(thinking: true))!;
        Assert.Equal(("Let me think.", "\n\nThe answer.", "stop", false), (c.ReasoningContent, c.Content, c.FinishReason, c.ThinkingIgnored));
    }

    [Fact]
    public void Without_a_reasoning_field_the_content_is_split_at_the_first_think_end_by_our_parser()
    {
        var c = RemoteCompletionMapper.Map(Completion("Let me think.\n</think>\n\nThe answer. </think> stays"), Prepared(thinking: true))!;
        Assert.Equal(("Let me think.", "\n\nThe answer. </think> stays"), (c.ReasoningContent, c.Content));
    }

    [Fact]
    public void Without_a_reasoning_field_and_without_think_end_everything_is_the_answer_unless_the_length_limit_cut_the_thinking()
    {
        Assert.Equal((null, "Plain answer."), Pair(RemoteCompletionMapper.Map(Completion("Plain answer."), Prepared(thinking: true))!));
        var cut = RemoteCompletionMapper.Map(Completion("\nStill thinking", finish: "length"), Prepared(thinking: true))!;
        Assert.Equal(("Still thinking", "", "length"), (cut.ReasoningContent, cut.Content, cut.FinishReason));
        Assert.Equal((null, "Cut answer"), Pair(RemoteCompletionMapper.Map(Completion("Cut answer", finish: "length"), Prepared(thinking: false))!));
    }

    [Fact]
    public void Reasoning_that_came_back_with_thinking_off_is_kept_and_flagged_from_a_field_or_from_think_end_in_the_content()
    {
        var field = RemoteCompletionMapper.Map(Completion("Answer.", "I thought anyway.", ReasoningSource.ReasoningContentField), Prepared(thinking: false))!;
        Assert.Equal(("I thought anyway.", "Answer.", true), (field.ReasoningContent, field.Content, field.ThinkingIgnored));
        var inline = RemoteCompletionMapper.Map(Completion("I thought anyway.\n</think>\n\nAnswer."), Prepared(thinking: false))!;
        Assert.Equal(("I thought anyway.", "\n\nAnswer.", true), (inline.ReasoningContent, inline.Content, inline.ThinkingIgnored));
        var empty = RemoteCompletionMapper.Map(Completion("Answer.", "", ReasoningSource.ReasoningField), Prepared(thinking: false))!;
        Assert.Equal((null, false), (empty.ReasoningContent, empty.ThinkingIgnored));
    }

    [Fact]
    public void Raw_action_text_becomes_tool_calls_and_the_finish_reason_tool_calls()
    {
        var c = RemoteCompletionMapper.Map(Completion("""Calling.<|action_start|><|plugin|>{"name": "lookup", "parameters": {"q": "benzene"}}<|action_end|>"""),
            Prepared(thinking: false))!;
        var call = Assert.Single(c.ToolCalls);
        Assert.Equal(("Calling.", "tool_calls", "lookup"), (c.Content, c.FinishReason, call.Function.Name));
        Assert.Equal("""{"q": "benzene"}""", call.Function.Arguments);
    }

    [Fact]
    public void Tool_calls_from_the_server_win_over_the_content()
    {
        var server = new ToolCall { Id = "chatcmpl-tool-1", Function = new FunctionCall { Name = "lookup", Arguments = """{"q":"x"}""" } };
        var c = RemoteCompletionMapper.Map(Completion("", toolCalls: [server]), Prepared(thinking: false))!;
        Assert.Equal([server], c.ToolCalls);
        Assert.Equal("tool_calls", c.FinishReason);
    }

    [Fact]
    public void Usage_is_stored_as_reported_with_null_for_what_was_not_reported_and_media_tokens_from_our_own_count()
    {
        var reported = RemoteCompletionMapper.Map(Completion("x", usage: new RemoteUsage { PromptTokens = 300, CompletionTokens = 20, CachedTokens = 128, ReasoningTokens = 12 }),
            Prepared(thinking: true, image: 256, video: 0))!.Usage;
        Assert.Equal((300, 256, 0, 128, 20, 12), (reported.PromptTokens, reported.ImageTokens, reported.VideoTokens, reported.CachedTokens, reported.CompletionTokens, reported.ReasoningTokens));
        Assert.Equal(["usage.completion_tokens", "usage.prompt_tokens"], reported.ReportedFields);

        var bare = RemoteCompletionMapper.Map(Completion("x", usage: new RemoteUsage { PromptTokens = 7, CompletionTokens = 3 }), Prepared(thinking: true))!.Usage;
        Assert.Equal(((int?)null, (int?)null), (bare.CachedTokens, bare.ReasoningTokens));
    }

    [Fact]
    public void No_prompt_or_completion_count_means_no_result_rather_than_a_guess()
    {
        Assert.Null(RemoteCompletionMapper.Map(Completion("x", usage: RemoteUsage.None), Prepared(thinking: true)));
        Assert.Null(RemoteCompletionMapper.Map(Completion("x", usage: new RemoteUsage { PromptTokens = 4 }), Prepared(thinking: true)));
    }

    [Fact]
    public void The_model_seed_and_timings_come_from_the_server_answer_and_the_request()
    {
        var c = RemoteCompletionMapper.Map(Completion("x"), Prepared(thinking: true))!;
        Assert.Equal(("internlm/Intern-S1", 42L, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(1000)), (c.Model, c.Seed, c.PrefillTime, c.DecodeTime));
    }

    private static (string?, string) Pair(InternS1.Batch.Worker.Execution.JobCompletion c) => (c.ReasoningContent, c.Content);
}
