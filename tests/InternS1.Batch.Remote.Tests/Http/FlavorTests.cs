using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.FakeOpenAi;
using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Options;
using InternS1.Batch.Remote.Requests;
using InternS1.Batch.Remote.Responses;
using InternS1.Batch.Remote.Tests.Infrastructure;

namespace InternS1.Batch.Remote.Tests.Http;

/// <summary>Each flavor end to end over loopback HTTP: detection, the fields that reach the server, and
/// the parsed response, NULL where the flavor does not report a count. The prompt "What is the boiling
/// point of water" is 7 tokens to the fake; thinking emits 4 reasoning tokens, one &lt;/think&gt; and 8
/// content tokens (13 completion tokens).</summary>
public class FlavorTests
{
    private const string Content = "c0 c1 c2 c3 c4 c5 c6 c7";
    private const string Reasoning = "r0 r1 r2 r3";

    [Theory]
    [InlineData(FakeFlavor.Lmdeploy, RemoteFlavor.Lmdeploy)]
    [InlineData(FakeFlavor.Vllm, RemoteFlavor.Vllm)]
    [InlineData(FakeFlavor.Sglang, RemoteFlavor.Sglang)]
    [InlineData(FakeFlavor.Ollama, RemoteFlavor.Ollama)]
    [InlineData(FakeFlavor.OpenAi, RemoteFlavor.OpenAi)]
    public async Task Auto_detection_finds_the_flavor_and_the_first_listed_model(FakeFlavor fake, RemoteFlavor expected)
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = fake, Models = ["internlm/interns1:mini", "other"] });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);

        var status = remote.Endpoint(server.Port);
        Assert.Equal(EndpointState.Up, status.State);
        Assert.Equal(expected, status.Flavor);
        Assert.Equal("internlm/interns1:mini", status.Model);
        Assert.Contains(remote.Logs.Entries, e => e.EventId.Id == 7105 && e.Text.Contains($"flavor {expected.ToString().ToLowerInvariant()}"));
    }

    [Fact]
    public async Task A_configured_model_that_the_server_does_not_list_keeps_the_endpoint_down_with_the_reason()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Models = ["a", "b"] });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl, new Dictionary<string, string?> { ["Remote:Model"] = "c" });

        var status = remote.Endpoint(server.Port);
        Assert.Equal(EndpointState.Down, status.State);
        Assert.Equal($"Remote:Model 'c' is not served by 127.0.0.1:{server.Port}; it lists [a, b]", status.LastError);
        Assert.Empty(server.ChatRequests);
    }

    [Fact]
    public async Task A_configured_flavor_and_model_are_used_as_given()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Vllm, Models = ["a", "b"] });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl,
            new Dictionary<string, string?> { ["Remote:Flavor"] = "sglang", ["Remote:Model"] = "b" });

        var completion = await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);
        Assert.Equal((RemoteFlavor.Sglang, "b"), (completion.Flavor, completion.Model));
        var body = Assert.Single(server.ChatRequests).Body!;
        Assert.Equal("b", body["model"]!.GetValue<string>());
        Assert.NotNull(body["rid"]);
    }

    [Theory]
    [InlineData(FakeFlavor.Lmdeploy, "max_completion_tokens,max_tokens", "chat_template_kwargs,enable_thinking", "session_id")]
    [InlineData(FakeFlavor.Vllm, "max_completion_tokens", "chat_template_kwargs", "request_id")]
    [InlineData(FakeFlavor.Sglang, "max_completion_tokens", "chat_template_kwargs", "rid")]
    [InlineData(FakeFlavor.Ollama, "max_tokens", "reasoning_effort", "")]
    [InlineData(FakeFlavor.OpenAi, "max_completion_tokens", "chat_template_kwargs", "")]
    public async Task Each_flavor_receives_its_own_field_names(FakeFlavor flavor, string maxFields, string thinkingFields, string idField)
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = flavor });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);

        await remote.Client.CompleteAsync(Chat.Text(thinking: false, sampling: new SamplingSettings { MaxNewTokens = 100, TopK = 20, Seed = 3 }), CancellationToken.None);

        var body = Assert.Single(server.ChatRequests).Body!.AsObject();
        var keys = body.Select(kv => kv.Key).ToHashSet();
        foreach (var field in maxFields.Split(','))
            Assert.Equal(100, body[field]!.GetValue<int>());
        foreach (var field in new[] { "max_completion_tokens", "max_tokens" }.Except(maxFields.Split(',')))
            Assert.DoesNotContain(field, keys);
        foreach (var field in thinkingFields.Split(','))
            Assert.Contains(field, keys);
        foreach (var field in new[] { "request_id", "rid", "session_id" })
            Assert.Equal(field == idField, keys.Contains(field));
        Assert.Equal(3, body["seed"]!.GetValue<long>());
        Assert.True(body["stream"]!.GetValue<bool>());
        Assert.True(body["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal(flavor is FakeFlavor.Lmdeploy or FakeFlavor.Vllm or FakeFlavor.Sglang, keys.Contains("top_k"));
    }

    [Theory]
    [InlineData(FakeFlavor.Lmdeploy, ReasoningSource.ReasoningContentField, 3, 4,
        "delta.reasoning_content,usage.completion_tokens,usage.completion_tokens_details.reasoning_tokens,usage.prompt_tokens,usage.prompt_tokens_details.cached_tokens")]
    [InlineData(FakeFlavor.Vllm, ReasoningSource.ReasoningField, null, null, "delta.reasoning,usage.completion_tokens,usage.prompt_tokens")]
    [InlineData(FakeFlavor.Sglang, ReasoningSource.ReasoningContentField, null, 4,
        "delta.reasoning_content,usage.completion_tokens,usage.prompt_tokens,usage.reasoning_tokens")]
    [InlineData(FakeFlavor.Ollama, ReasoningSource.ReasoningField, null, null, "delta.reasoning,usage.completion_tokens,usage.prompt_tokens")]
    public async Task Each_flavor_is_parsed_with_cached_and_reasoning_tokens_null_unless_reported(
        FakeFlavor flavor, ReasoningSource source, int? cached, int? reasoningTokens, string reported)
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = flavor });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);

        var completion = await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);

        // The text after </think> is content, as the servers' reasoning parsers pass it on.
        Assert.Equal("\n\n" + Content, completion.Content);
        Assert.Equal(Reasoning, completion.Reasoning);
        Assert.Equal(source, completion.ReasoningSource);
        Assert.Equal(("stop", "stop"), (completion.FinishReason, completion.RawFinishReason));
        Assert.Equal(new RemoteUsage { PromptTokens = 7, CompletionTokens = 13, CachedTokens = cached, ReasoningTokens = reasoningTokens }, completion.Usage);
        Assert.Equal(reported.Split(','), completion.ReportedFields);
        Assert.False(completion.ThinkingIgnored);
        Assert.Equal(1, completion.Attempts);
    }

    [Fact]
    public async Task A_vllm_started_with_prompt_token_details_reports_cached_tokens()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Vllm, ReportCachedTokens = true });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);

        var completion = await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);
        Assert.Equal(3, completion.Usage.CachedTokens);
        Assert.Null(completion.Usage.ReasoningTokens);
    }

    [Theory]
    [InlineData(FakeFlavor.OpenAi, true)]
    [InlineData(FakeFlavor.Vllm, false)]
    public async Task Without_a_reasoning_parser_the_reasoning_stays_in_the_content_for_the_caller_to_split(FakeFlavor flavor, bool parserOption)
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = flavor, ReasoningParser = parserOption });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);

        var completion = await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);
        Assert.Equal(Reasoning + "\n</think>\n\n" + Content, completion.Content);
        Assert.Null(completion.Reasoning);
        Assert.Equal(ReasoningSource.None, completion.ReasoningSource);
        Assert.Equal(["usage.completion_tokens", "usage.prompt_tokens"], completion.ReportedFields);
    }

    [Theory]
    [InlineData(FakeFlavor.Lmdeploy)]
    [InlineData(FakeFlavor.Vllm)]
    [InlineData(FakeFlavor.Sglang)]
    [InlineData(FakeFlavor.Ollama)]
    [InlineData(FakeFlavor.OpenAi)]
    public async Task Thinking_off_is_obeyed_by_every_flavor(FakeFlavor flavor)
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = flavor });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);

        var completion = await remote.Client.CompleteAsync(Chat.Text(thinking: false), CancellationToken.None);
        Assert.Equal(Content, completion.Content);
        Assert.Null(completion.Reasoning);
        Assert.Equal(8, completion.Usage.CompletionTokens);
        Assert.False(completion.ThinkingIgnored);
    }

    [Fact]
    public async Task Reasoning_returned_although_thinking_was_requested_off_is_kept_and_flagged()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Vllm, IgnoreThinkingSwitch = true });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);

        var completion = await remote.Client.CompleteAsync(Chat.Text(thinking: false), CancellationToken.None);
        Assert.Equal(Reasoning, completion.Reasoning);
        Assert.False(completion.ThinkingRequested);
        Assert.True(completion.ThinkingIgnored);
    }

    [Fact]
    public async Task Images_reach_the_server_as_the_data_urls_given_and_count_as_image_tokens()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Lmdeploy });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);
        var request = Chat.Text() with
        {
            Messages = [new RemoteMessage { Role = "user", Content = [new RemoteContentPart.Image(Chat.PngDataUrl), new RemoteContentPart.Text("what is it")] }],
        };

        var completion = await remote.Client.CompleteAsync(request, CancellationToken.None);

        var part = Assert.Single(server.ChatRequests).Body!["messages"]![0]!["content"]![0]!;
        Assert.Equal("image_url", part["type"]!.GetValue<string>());
        Assert.Equal(Chat.PngDataUrl, part["image_url"]!["url"]!.GetValue<string>());
        Assert.Equal(256 + 3, completion.Usage.PromptTokens);
    }

    [Fact]
    public async Task A_video_reaches_vllm_as_a_video_url_data_url()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Vllm });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);
        var request = Chat.Text() with { Messages = [new RemoteMessage { Role = "user", Content = [new RemoteContentPart.Video(Chat.Mp4DataUrl)] }] };

        var completion = await remote.Client.CompleteAsync(request, CancellationToken.None);

        Assert.Equal(Chat.Mp4DataUrl, Assert.Single(server.ChatRequests).Body!["messages"]![0]!["content"]![0]!["video_url"]!["url"]!.GetValue<string>());
        Assert.Equal(1024, completion.Usage.PromptTokens);
    }

    [Fact]
    public async Task A_video_for_lmdeploy_is_refused_before_any_request_is_sent()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Lmdeploy });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);
        var request = Chat.Text() with { Messages = [new RemoteMessage { Role = "user", Content = [new RemoteContentPart.Video(Chat.Mp4DataUrl)] }] };

        var e = await Assert.ThrowsAsync<Faults.UnsupportedByFlavorException>(() => remote.Client.CompleteAsync(request, CancellationToken.None));
        Assert.Contains("lmdeploy", e.Message);
        Assert.Empty(server.ChatRequests);
        Assert.Equal(0, remote.Endpoint(server.Port).InFlight);
    }

    [Fact]
    public async Task Tool_call_deltas_are_assembled_into_one_call()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Lmdeploy });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);
        server.Enqueue(new FakeBehavior.ToolCall("lookup", """{"smiles":"c1ccccc1"}"""));

        var completion = await remote.Client.CompleteAsync(Chat.Text(), CancellationToken.None);

        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal(("call-0", "lookup", """{"smiles":"c1ccccc1"}"""), (call.Id, call.Function.Name, call.Function.Arguments));
        Assert.Equal("tool_calls", completion.FinishReason);
        Assert.Equal("\n\n", completion.Content); // what followed </think>
        Assert.Equal("r0 r1 r2 r3", completion.Reasoning);
        Assert.Contains("delta.tool_calls", completion.ReportedFields);
    }

    [Fact]
    public async Task Template_variables_and_response_format_reach_the_server()
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Vllm });
        await using var remote = await RemoteHarness.StartAsync(server.BaseUrl);
        var request = Chat.Text() with
        {
            TemplateVariables = new Dictionary<string, System.Text.Json.JsonElement> { ["tone"] = System.Text.Json.JsonDocument.Parse("\"formal\"").RootElement },
            ResponseFormat = System.Text.Json.JsonDocument.Parse("""{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"}}}""").RootElement,
        };

        await remote.Client.CompleteAsync(request, CancellationToken.None);

        var body = Assert.Single(server.ChatRequests).Body!;
        Assert.Equal("formal", body["chat_template_kwargs"]!["tone"]!.GetValue<string>());
        Assert.True(body["chat_template_kwargs"]!["enable_thinking"]!.GetValue<bool>());
        Assert.Equal("json_schema", body["response_format"]!["type"]!.GetValue<string>());
        Assert.Equal("object", body["response_format"]!["json_schema"]!["schema"]!["type"]!.GetValue<string>());
    }
}
