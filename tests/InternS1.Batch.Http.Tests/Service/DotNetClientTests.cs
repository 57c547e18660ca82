using System.ClientModel;
using System.Text.Json;
using InternS1.Batch.Http.Tests.Infrastructure;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Engine.Requests;
using OpenAI.Chat;

namespace InternS1.Batch.Http.Tests.Service;

/// <summary>The official OpenAI .NET client against the endpoint on the tiny model: chat whole and streamed, thinking
/// on and off, tools reaching the rendered prompt, an image as a data URL, the usage fields, the model list; each
/// answer also lands in PostgreSQL as a job of dataset <c>interactive</c> with its result and token usage.</summary>
[Trait("Category", "Service")]
[Collection(ServeCollection.Name)]
public sealed class DotNetClientTests(ServeFixture fixture)
{
    private ServeHost Host => fixture.Host;
    private const string Question = "What is the boiling point of water at sea level?";

    private static ChatCompletionOptions Options(int maxTokens, bool? thinking = null, long seed = 1)
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = maxTokens, Temperature = 0.7f };
#pragma warning disable OPENAI001, SCME0001
        options.Seed = seed;
        if (thinking is { } on)
            options.Patch.Set("$.chat_template_kwargs.enable_thinking"u8, on);
#pragma warning restore OPENAI001, SCME0001
        return options;
    }

    private static JsonElement Raw(ClientResult result) => JsonDocument.Parse(result.GetRawResponse().Content.ToString()).RootElement;

    [Fact]
    public async Task A_chat_answers_with_reasoning_usage_and_its_rows_in_the_interactive_dataset()
    {
        var chat = Host.Client().GetChatClient("intern-s1");
        var result = await chat.CompleteChatAsync([new UserChatMessage(Question)], Options(6));
        var completion = result.Value;
        var raw = Raw(result);

        Assert.StartsWith("chatcmpl-", completion.Id);
        Assert.Equal("chat.completion", raw.GetProperty("object").GetString());
        Assert.InRange(completion.Usage.OutputTokenCount, 1, 6);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
        // The prompt the engine ran is the one counted, and it ran ahead of batch work.
        var request = Host.Recorder.Requests[completion.Id];
        Assert.Equal(request.PromptTokenIds.Count, completion.Usage.InputTokenCount);
        Assert.Equal(SchedulingClass.Interactive, request.SchedulingClass);
        // Thinking is on by default: the prompt ends inside <think>, the text comes back as reasoning under both names.
        Assert.EndsWith("<think>", Host.PromptOf(completion.Id).TrimEnd());
        var message = raw.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(JsonValueKind.String, message.GetProperty("reasoning_content").ValueKind);
        Assert.Equal(message.GetProperty("reasoning_content").GetString(), message.GetProperty("reasoning").GetString());

        var rows = await Database.RowsAsync(Host.ConnectionString,
            "SELECT j.dataset, j.status, j.custom_id, u.prompt_tokens, u.completion_tokens, u.reasoning_tokens, u.cached_tokens, r.reasoning_content, r.finish_reason " +
            "FROM jobs j JOIN results r ON r.job_id = j.id JOIN token_usage u ON u.job_id = j.id WHERE j.id = @id", ("id", completion.Id));
        var row = Assert.Single(rows);
        Assert.Equal(("interactive", "succeeded", completion.Id), ((string)row[0]!, (string)row[1]!, (string)row[2]!));
        Assert.Equal((completion.Usage.InputTokenCount, completion.Usage.OutputTokenCount), ((int)row[3]!, (int)row[4]!));
        Assert.Equal(completion.Usage.OutputTokenDetails.ReasoningTokenCount, (int)row[5]!);
        Assert.Equal(completion.Usage.InputTokenDetails.CachedTokenCount, (int)row[6]!);
        Assert.Equal(message.GetProperty("reasoning_content").GetString(), (string?)row[7]);
        Assert.Equal(raw.GetProperty("choices")[0].GetProperty("finish_reason").GetString(), (string)row[8]!);
    }

    [Fact]
    public async Task Thinking_off_renders_no_think_prompt_and_answers_without_reasoning()
    {
        var chat = Host.Client().GetChatClient("intern-s1");
        var result = await chat.CompleteChatAsync([new UserChatMessage(Question)], Options(6, thinking: false));
        var raw = Raw(result);

        var message = raw.GetProperty("choices")[0].GetProperty("message");
        Assert.False(message.TryGetProperty("reasoning_content", out _));
        Assert.False(message.TryGetProperty("reasoning", out _));
        var prompt = Host.PromptOf(result.Value.Id);
        Assert.DoesNotContain("Please put your thinking process within <think>...</think> tags", prompt);
        Assert.False(prompt.TrimEnd().EndsWith("<think>", StringComparison.Ordinal));
        var stored = await Database.RowsAsync(Host.ConnectionString, "SELECT reasoning_content, content FROM results WHERE job_id = @id", ("id", result.Value.Id));
        Assert.Null(Assert.Single(stored)[0]);
        Assert.Equal(message.GetProperty("content").GetString() ?? "", (string)stored[0][1]!);
    }

    [Fact]
    public async Task Tools_reach_the_rendered_prompt_and_tool_choice_none_keeps_them_out()
    {
        var chat = Host.Client().GetChatClient("intern-s1");
        var tool = ChatTool.CreateFunctionTool("get_current_temperature", "Get current temperature at a location.",
            BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}"""));
        var options = Options(4, thinking: false);
        options.Tools.Add(tool);
        var offered = await chat.CompleteChatAsync([new UserChatMessage("What is the temperature in San Francisco now?")], options);
        options.ToolChoice = ChatToolChoice.CreateNoneChoice();
        var withheld = await chat.CompleteChatAsync([new UserChatMessage("What is the temperature in San Francisco now?")], options);

        var prompt = Host.PromptOf(offered.Value.Id);
        Assert.Contains("You have access to these tools:", prompt);
        Assert.Contains("<|action_start|><|plugin|>", prompt);
        Assert.Contains("\"get_current_temperature\"", prompt);
        Assert.Contains("Get current temperature at a location.", prompt);
        Assert.DoesNotContain("get_current_temperature", Host.PromptOf(withheld.Value.Id));
        Assert.True(offered.Value.Usage.InputTokenCount > withheld.Value.Usage.InputTokenCount);
    }

    [Fact]
    public async Task A_stream_adds_up_to_the_stored_answer_and_ends_with_the_finish_reason_and_usage()
    {
        var chat = Host.Client().GetChatClient("intern-s1");
        var text = new System.Text.StringBuilder();
        string? id = null;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        var updates = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage(Question)], Options(10, thinking: false, seed: 2)))
        {
            updates++;
            id = update.CompletionId;
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.NotNull(id);
        Assert.NotNull(finish);
        Assert.NotNull(usage);
        Assert.True(updates >= 3, $"{updates} updates: a role chunk, text chunks, the finish chunk");
        Assert.InRange(usage!.OutputTokenCount, 1, 10);
        var stored = await Database.RowsAsync(Host.ConnectionString,
            "SELECT r.content, r.finish_reason, u.completion_tokens FROM results r JOIN token_usage u USING (job_id) WHERE r.job_id = @id", ("id", id!));
        var row = Assert.Single(stored);
        Assert.Equal((string)row[0]!, text.ToString());
        Assert.Equal(usage.OutputTokenCount, (int)row[2]!);
        Assert.Equal(finish == ChatFinishReason.Length ? "length" : finish == ChatFinishReason.ToolCalls ? "tool_calls" : "stop", (string)row[1]!);
    }

    [Fact]
    public async Task An_image_as_a_data_url_counts_its_256_image_tokens()
    {
        var chat = Host.Client().GetChatClient("intern-s1");
        var message = new UserChatMessage(ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(Png.Gradient(48, 48)), "image/png"),
            ChatMessageContentPart.CreateTextPart("Describe the image."));
        var result = await chat.CompleteChatAsync([message], Options(3, thinking: false));

        var details = Raw(result).GetProperty("usage").GetProperty("prompt_tokens_details");
        Assert.Equal(256, details.GetProperty("image_tokens").GetInt32());
        Assert.Equal(0, details.GetProperty("video_tokens").GetInt32());
        Assert.True(result.Value.Usage.InputTokenCount > 256 + 2);
        var stored = await Database.RowsAsync(Host.ConnectionString, "SELECT image_tokens FROM token_usage WHERE job_id = @id", ("id", result.Value.Id));
        Assert.Equal(256, (int)Assert.Single(stored)[0]!);
    }

    [Fact]
    public async Task The_model_list_has_the_served_model_owned_by_interns1_with_its_context_length()
    {
        var models = await Host.Client().GetOpenAIModelClient().GetModelsAsync();
        var model = Assert.Single(models.Value);
        Assert.Equal("interns1", model.OwnedBy);
        Assert.Equal(Path.GetFileName(await TinyModel.DirectoryAsync()), model.Id);
        var raw = Raw(models);
        Assert.Equal(2048, raw.GetProperty("data")[0].GetProperty("max_model_len").GetInt32());
    }
}
