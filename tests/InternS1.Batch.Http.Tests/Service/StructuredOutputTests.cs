using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using InternS1.Batch.Http.Tests.Infrastructure;
using InternS1.Batch.Tests.Infrastructure;
using OpenAI.Chat;

namespace InternS1.Batch.Http.Tests.Service;

/// <summary><c>response_format</c> through the endpoint with the official OpenAI .NET client: the random tiny model is
/// constrained by the schema, so its answer is one of the enum's three documents (the default <c>Spaced</c>
/// whitespace: one space after <c>:</c>); the verdict is stored as a batch job's and answered as
/// <c>structured_valid</c>; a schema keyword the compiler does not support is a 400 naming its JSON pointer.</summary>
[Trait("Category", "Service")]
[Collection(ServeCollection.Name)]
public sealed class StructuredOutputTests(ServeFixture fixture)
{
    private const string Schema = """{"type":"object","properties":{"phase":{"type":"string","enum":["solid","liquid","gas"]}},"required":["phase"],"additionalProperties":false}""";

    // Hand-written: every document the schema admits under Spaced whitespace.
    private static readonly string[] Admitted = ["""{"phase": "solid"}""", """{"phase": "liquid"}""", """{"phase": "gas"}"""];

    private ServeHost Host => fixture.Host;

    private static ChatCompletionOptions Options(ChatResponseFormat? format, int maxTokens = 32)
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = maxTokens, Temperature = 1f, ResponseFormat = format };
#pragma warning disable OPENAI001, SCME0001
        options.Seed = 3;
        options.Patch.Set("$.chat_template_kwargs.enable_thinking"u8, false);
#pragma warning restore OPENAI001, SCME0001
        return options;
    }

    private static ChatResponseFormat Phase(string schema = Schema) =>
        ChatResponseFormat.CreateJsonSchemaFormat("phase", BinaryData.FromString(schema), jsonSchemaIsStrict: true);

    private static UserChatMessage Question() => new("Is water at 25 C solid, liquid or gas? Answer in JSON.");

    private async Task<(bool? Valid, string? Error, string Content, string Finish)> RowAsync(string id)
    {
        var rows = await Database.RowsAsync(Host.ConnectionString,
            "SELECT structured_valid, structured_error, content, finish_reason FROM results WHERE job_id = @id", ("id", id));
        var row = Assert.Single(rows);
        return ((bool?)row[0], (string?)row[1], (string)row[2]!, (string)row[3]!);
    }

    [Fact]
    public async Task An_enum_schema_constrains_the_answer_to_an_admitted_document_stored_and_answered_as_valid()
    {
        var chat = Host.Client().GetChatClient("intern-s1");
        var result = await chat.CompleteChatAsync([Question()], Options(Phase()));

        var content = Assert.Single(result.Value.Content).Text;
        Assert.Contains(content, Admitted);
        Assert.Equal(ChatFinishReason.Stop, result.Value.FinishReason);
        var raw = JsonDocument.Parse(result.GetRawResponse().Content.ToString()).RootElement;
        Assert.True(raw.GetProperty("structured_valid").GetBoolean());
        Assert.False(raw.TryGetProperty("structured_error", out _));
        Assert.Equal((true, null, content, "stop"), await RowAsync(result.Value.Id));
    }

    [Fact]
    public async Task Plain_text_format_is_accepted_and_carries_no_verdict()
    {
        var chat = Host.Client().GetChatClient("intern-s1");
        var result = await chat.CompleteChatAsync([Question()], Options(ChatResponseFormat.CreateTextFormat(), maxTokens: 3));

        var raw = JsonDocument.Parse(result.GetRawResponse().Content.ToString()).RootElement;
        Assert.False(raw.TryGetProperty("structured_valid", out _));
        var row = await RowAsync(result.Value.Id);
        Assert.Equal((null, null), (row.Valid, row.Error));
    }

    [Fact]
    public async Task A_streamed_answer_under_a_schema_is_an_admitted_document_and_its_last_chunk_carries_the_verdict()
    {
        using var http = Host.Http();
        var body = """
            {"model":"m","stream":true,"max_tokens":32,"seed":5,"chat_template_kwargs":{"enable_thinking":false},
             "messages":[{"role":"user","content":"Is ice solid, liquid or gas?"}],
             "response_format":{"type":"json_schema","json_schema":{"name":"phase","strict":true,"schema":
            """ + Schema + "}}}";
        using var response = await http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e["data: ".Length..]).Where(e => e != "[DONE]").Select(e => JsonDocument.Parse(e).RootElement).ToArray();

        var text = new StringBuilder();
        foreach (var delta in events.Select(e => e.GetProperty("choices")[0].GetProperty("delta")))
            if (delta.TryGetProperty("content", out var part) && part.ValueKind == JsonValueKind.String) text.Append(part.GetString());
        Assert.Contains(text.ToString(), Admitted);
        var last = events[^1];
        Assert.Equal("stop", last.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.True(last.GetProperty("structured_valid").GetBoolean());
        Assert.Equal((true, null, text.ToString(), "stop"), await RowAsync(last.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task The_official_client_streams_an_admitted_document_under_a_schema()
    {
        var chat = Host.Client().GetChatClient("intern-s1");
        var text = new StringBuilder();
        string? id = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([Question()], Options(Phase())))
        {
            id = update.CompletionId;
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
        }

        Assert.Contains(text.ToString(), Admitted);
        Assert.Equal((true, null, text.ToString(), "stop"), await RowAsync(id!));
    }

    [Fact]
    public async Task An_unsupported_schema_keyword_is_a_400_naming_its_json_pointer_and_writes_nothing()
    {
        const string bad = """{"type":"object","properties":{"n":{"type":"integer","multipleOf":3}}}""";
        const string pointer = "response_format.json_schema.schema/properties/n/multipleOf";
        var before = await Database.CountAsync(Host.ConnectionString, "SELECT count(*) FROM jobs");

        var chat = Host.Client().GetChatClient("intern-s1");
        var e = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([Question()], Options(Phase(bad))));
        Assert.Equal(400, e.Status);
        var error = JsonDocument.Parse(e.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error");
        Assert.Equal(("invalid_field", pointer), (error.GetProperty("code").GetString(), error.GetProperty("param").GetString()));
        Assert.StartsWith(pointer + ": 'multipleOf' is only supported as 1 or a power of ten", error.GetProperty("message").GetString());

        using var http = Host.Http();
        var unknown = await http.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"yaml"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var typeError = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("response_format.type", typeError.GetProperty("param").GetString());
        Assert.StartsWith("response_format.type: 'yaml' is not one of text, json_object, json_schema", typeError.GetProperty("message").GetString());

        // Found only when compiled (at preparation): a schema no value satisfies.
        var empty = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([Question()],
            Options(Phase("""{"type":"object","properties":{"n":{"type":"integer","minimum":5,"maximum":1}},"required":["n"]}"""))));
        Assert.Equal(400, empty.Status);
        var emptyError = JsonDocument.Parse(empty.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error");
        Assert.Equal("invalid_field", emptyError.GetProperty("code").GetString());
        Assert.StartsWith("response_format.json_schema.schema/properties/n", emptyError.GetProperty("param").GetString());
        Assert.StartsWith(emptyError.GetProperty("param").GetString() + ": ", emptyError.GetProperty("message").GetString());
        Assert.Equal(before, await Database.CountAsync(Host.ConnectionString, "SELECT count(*) FROM jobs"));
    }
}
