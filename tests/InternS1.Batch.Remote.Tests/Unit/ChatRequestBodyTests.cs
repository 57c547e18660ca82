using System.Text.Json;
using System.Text.Json.Nodes;
using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Remote.Faults;
using InternS1.Batch.Remote.Flavors;
using InternS1.Batch.Remote.Options;
using InternS1.Batch.Remote.Requests;
using InternS1.Batch.Remote.Tests.Infrastructure;

namespace InternS1.Batch.Remote.Tests.Unit;

/// <summary>The request body of each flavor against bodies written out by hand from
/// shared/notes/remote-engines.md §1 (field names, thinking switch, top_k "off" values).</summary>
public class ChatRequestBodyTests
{
    private static readonly RemoteChatRequest Full = new()
    {
        Messages =
        [
            RemoteMessage.FromText("system", "You are a chemist."),
            new RemoteMessage { Role = "user", Content = [new RemoteContentPart.Text("What is shown?"), new RemoteContentPart.Image(Chat.PngDataUrl)] },
            new RemoteMessage
            {
                Role = "assistant", ReasoningContent = "look it up",
                ToolCalls = [new ToolCall { Id = "call-1", Function = new FunctionCall { Name = "lookup", Arguments = "{\"q\":\"x\"}" } }],
            },
            new RemoteMessage { Role = "tool", ToolCallId = "call-1", Content = [new RemoteContentPart.Text("benzene")] },
        ],
        Tools = [new ToolDefinition { Function = new FunctionDefinition { Name = "lookup", Parameters = JsonDocument.Parse("""{"type":"object"}""").RootElement } }],
        Sampling = new SamplingSettings { Temperature = 0.6, TopP = 0.95, TopK = 0, MinP = 0.05, Seed = 7, Stop = ["\n\n"], MaxNewTokens = 1024 },
        EnableThinking = false,
        TemplateVariables = new Dictionary<string, JsonElement>
        {
            ["style"] = JsonDocument.Parse("\"brief\"").RootElement,
            ["enable_thinking"] = JsonDocument.Parse("true").RootElement,
        },
        ResponseFormat = JsonDocument.Parse("""{"type":"json_object"}""").RootElement,
    };

    private const string Messages = """
        [
          {"role":"system","content":"You are a chemist."},
          {"role":"user","content":[{"type":"text","text":"What is shown?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="}}]},
          {"role":"assistant","content":null,"REASONING":"look it up","tool_calls":[{"id":"call-1","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"x\"}"}}]},
          {"role":"tool","content":"benzene","tool_call_id":"call-1"}
        ]
        """;

    private const string Tools = """[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}]""";

    private static JsonObject Build(RemoteFlavor flavor, RemoteChatRequest? request = null, string? id = null, long? session = null) =>
        ChatRequestBody.Build(request ?? Full, FlavorDialect.For(flavor), "internlm/Intern-S1", id, session).Body;

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected\n{expected}\nactual\n{actual.ToJsonString()}");

    [Fact]
    public void Lmdeploy_gets_both_token_limits_top_k_zero_for_off_the_thinking_switch_twice_and_a_session_id()
    {
        AssertJson($$"""
            {
              "model":"internlm/Intern-S1",
              "messages":{{Messages.Replace("REASONING", "reasoning_content")}},
              "stream":true,"stream_options":{"include_usage":true},
              "temperature":0.6,"top_p":0.95,"top_k":0,"min_p":0.05,"seed":7,"stop":["\n\n"],
              "max_completion_tokens":1024,"max_tokens":1024,
              "tools":{{Tools}},
              "chat_template_kwargs":{"style":"brief","enable_thinking":false},
              "enable_thinking":false,
              "response_format":{"type":"json_object"},
              "session_id":42
            }
            """, Build(RemoteFlavor.Lmdeploy, session: 42));
    }

    [Fact]
    public void Vllm_gets_max_completion_tokens_top_k_minus_one_for_off_the_reasoning_field_and_a_request_id()
    {
        AssertJson($$"""
            {
              "model":"internlm/Intern-S1",
              "messages":{{Messages.Replace("REASONING", "reasoning")}},
              "stream":true,"stream_options":{"include_usage":true},
              "temperature":0.6,"top_p":0.95,"top_k":-1,"min_p":0.05,"seed":7,"stop":["\n\n"],
              "max_completion_tokens":1024,
              "tools":{{Tools}},
              "chat_template_kwargs":{"style":"brief","enable_thinking":false},
              "response_format":{"type":"json_object"},
              "request_id":"job-1-abc"
            }
            """, Build(RemoteFlavor.Vllm, id: "job-1-abc"));
    }

    [Fact]
    public void Sglang_gets_chat_template_kwargs_only_and_an_rid()
    {
        var body = Build(RemoteFlavor.Sglang, id: "job-1-abc");
        AssertJson("""{"style":"brief","enable_thinking":false}""", body["chat_template_kwargs"]!);
        Assert.False(body.ContainsKey("enable_thinking"));
        Assert.False(body.ContainsKey("max_tokens"));
        Assert.Equal(1024, body["max_completion_tokens"]!.GetValue<int>());
        Assert.Equal(-1, body["top_k"]!.GetValue<int>());
        Assert.Equal("job-1-abc", body["rid"]!.GetValue<string>());
        Assert.Equal("look it up", body["messages"]![2]!["reasoning_content"]!.GetValue<string>());
    }

    [Fact]
    public void Ollama_gets_max_tokens_and_reasoning_effort_and_no_fields_it_does_not_have()
    {
        var (body, notSent) = ChatRequestBody.Build(Full, FlavorDialect.For(RemoteFlavor.Ollama), "internlm/interns1:mini");
        AssertJson($$"""
            {
              "model":"internlm/interns1:mini",
              "messages":{{Messages.Replace("REASONING", "reasoning")}},
              "stream":true,"stream_options":{"include_usage":true},
              "temperature":0.6,"top_p":0.95,"seed":7,"stop":["\n\n"],
              "max_tokens":1024,
              "tools":{{Tools}},
              "reasoning_effort":"none",
              "response_format":{"type":"json_object"}
            }
            """, body);
        Assert.Equal(["chat_template_kwargs", "min_p", "top_k"], notSent);
    }

    [Fact]
    public void Ollama_thinking_on_is_reasoning_effort_medium()
    {
        var body = Build(RemoteFlavor.Ollama, Chat.Text(thinking: true));
        Assert.Equal("medium", body["reasoning_effort"]!.GetValue<string>());
    }

    [Fact]
    public void A_generic_server_gets_only_common_fields_and_the_template_switch()
    {
        var (body, notSent) = ChatRequestBody.Build(Full, FlavorDialect.For(RemoteFlavor.OpenAi), "m", "job-1-abc", 42);
        Assert.Equal(1024, body["max_completion_tokens"]!.GetValue<int>());
        foreach (var absent in new[] { "max_tokens", "top_k", "min_p", "enable_thinking", "request_id", "rid", "session_id", "reasoning_effort" })
            Assert.False(body.ContainsKey(absent), absent);
        AssertJson("""{"style":"brief","enable_thinking":false}""", body["chat_template_kwargs"]!);
        Assert.Equal(["min_p", "top_k"], notSent);
    }

    [Fact]
    public void A_top_k_that_is_set_is_sent_as_is_and_unset_sampling_fields_are_not_sent()
    {
        var body = Build(RemoteFlavor.Vllm, Chat.Text(sampling: new SamplingSettings { TopK = 50 }));
        Assert.Equal(50, body["top_k"]!.GetValue<int>());
        foreach (var absent in new[] { "temperature", "top_p", "min_p", "seed", "stop", "max_completion_tokens" })
            Assert.False(body.ContainsKey(absent), absent);
        Assert.True(body["chat_template_kwargs"]!["enable_thinking"]!.GetValue<bool>());
    }

    [Fact]
    public void A_video_goes_to_vllm_as_video_url()
    {
        var request = Chat.Text() with { Messages = [new RemoteMessage { Role = "user", Content = [new RemoteContentPart.Video(Chat.Mp4DataUrl)] }] };
        AssertJson($$$"""[{"type":"video_url","video_url":{"url":"{{{Chat.Mp4DataUrl}}}"}}]""", Build(RemoteFlavor.Vllm, request)["messages"]![0]!["content"]!);
    }

    [Theory]
    [InlineData(RemoteFlavor.Lmdeploy, "lmdeploy")]
    [InlineData(RemoteFlavor.Sglang, "sglang")]
    [InlineData(RemoteFlavor.Ollama, "ollama")]
    [InlineData(RemoteFlavor.OpenAi, "openai")]
    public void A_video_for_a_flavor_without_a_video_path_is_refused_naming_the_flavor_and_the_part(RemoteFlavor flavor, string name)
    {
        var request = Chat.Text() with
        {
            Messages = [RemoteMessage.FromText("system", "s"), new RemoteMessage { Role = "user", Content = [new RemoteContentPart.Text("t"), new RemoteContentPart.Video(Chat.Mp4DataUrl)] }],
        };
        var e = Assert.Throws<UnsupportedByFlavorException>(() => Build(flavor, request));
        Assert.Equal($"messages[1].content[1]: video is not supported by the {name} server flavor", e.Message);
        Assert.Equal(flavor, e.Flavor);
    }

    [Fact]
    public void Ollama_refuses_an_image_type_it_cannot_decode()
    {
        var request = Chat.Text() with { Messages = [new RemoteMessage { Role = "user", Content = [new RemoteContentPart.Image("data:image/gif;base64,R0lGOD==")] }] };
        var e = Assert.Throws<UnsupportedByFlavorException>(() => Build(RemoteFlavor.Ollama, request));
        Assert.Contains("image/gif", e.Message);
        Assert.Contains("ollama", e.Message);
        Assert.NotNull(Build(RemoteFlavor.Vllm, request));
    }

    [Fact]
    public void A_media_part_that_is_not_a_data_url_is_refused_so_no_server_ever_fetches_a_user_url()
    {
        var request = Chat.Text() with { Messages = [new RemoteMessage { Role = "user", Content = [new RemoteContentPart.Image("https://example.org/cat.png")] }] };
        var e = Assert.Throws<ArgumentException>(() => Build(RemoteFlavor.Vllm, request));
        Assert.Contains("messages[0].content[0]", e.Message);
        Assert.Contains("data:", e.Message);
    }
}
