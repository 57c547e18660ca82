using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using InternS1.Batch.Http.Tests.Infrastructure;
using InternS1.Batch.Tests.Infrastructure;
using OpenAI.Chat;

namespace InternS1.Batch.Http.Tests.Service;

/// <summary>Refused requests: each gets the right status and an OpenAI error whose message names the field (the
/// message a job's dead letter would carry) and whose code is the dead-letter reason code; none leaves a row.</summary>
[Trait("Category", "Service")]
[Collection(ServeCollection.Name)]
public sealed class ErrorTests(ServeFixture fixture)
{
    private ServeHost Host => fixture.Host;

    private async Task<(HttpStatusCode Status, JsonElement Error, HttpResponseMessage Response)> PostAsync(string body, string? key = ServeHost.Key)
    {
        using var http = Host.Http(key);
        var response = await http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, json.GetProperty("error"), response);
    }

    private static string User(string content) => $$"""{"model":"m","messages":[{"role":"user","content":{{content}}}]}""";

    private async Task<long> RowsAsync() =>
        await Database.CountAsync(Host.ConnectionString, "SELECT count(*) FROM jobs") + await Database.CountAsync(Host.ConnectionString, "SELECT count(*) FROM results");

    [Fact]
    public async Task Every_bad_request_gets_its_status_code_and_field_and_writes_nothing()
    {
        var image = Convert.ToBase64String(Png.Noise(300, 300));
        var cases = new (string Body, HttpStatusCode Status, string Code, string? Param, string Message)[]
        {
            ("""{"model":"m","messages":[{"role":"user","content":"hi"}""", HttpStatusCode.BadRequest, "malformed_message", null, "request body: not valid JSON"),
            (User("""[{"type":"audio","text":"x"}]"""), HttpStatusCode.BadRequest, "unsupported_content", "messages[0].content[0].type",
                "messages[0].content[0].type: 'audio' is not supported"),
            ("""{"model":"m","messages":[{"role":"user","content":"hi"}],"top_p":1.5}""", HttpStatusCode.BadRequest, "invalid_sampling", "top_p",
                "sampling.top_p: 1.5 is not in (0, 1]"),
            ("""{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", HttpStatusCode.BadRequest, "invalid_sampling", "max_tokens",
                "sampling.max_new_tokens: 0 must be positive"),
            (User("""[{"type":"image_url","image_url":{"url":"http://127.0.0.1:9/x.png"}}]"""), HttpStatusCode.BadRequest, "media_forbidden", "messages[0].content[0]",
                "messages[0].content[0]"),
            (User($"\"{string.Join(' ', Enumerable.Repeat("word", 3000))}\""), HttpStatusCode.BadRequest, "prompt_too_long", "messages",
                "at most 2047 can run"),
            (User("[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + image + "\"}}]"), HttpStatusCode.RequestEntityTooLarge, "media_too_large",
                "messages[0].content[0]", "messages[0].content[0]"),
            ("""{"model":"m","messages":[{"role":"user","content":"hi"}],"n":2}""", HttpStatusCode.BadRequest, "invalid_field", "n", "n: 2 is not supported"),
            ("""{"model":"m","messages":[{"role":"wizard","content":"hi"}]}""", HttpStatusCode.BadRequest, "invalid_field", "messages[0].role",
                "messages[0].role: 'wizard' is not one of system, user, assistant, tool"),
        };
        var before = await RowsAsync();
        foreach (var c in cases)
        {
            var (status, error, _) = await PostAsync(c.Body);
            var what = $"{c.Code}: {error}";
            Assert.True(c.Status == status, what);
            Assert.True(c.Code == error.GetProperty("code").GetString(), what);
            Assert.True(c.Param == (error.GetProperty("param").ValueKind == JsonValueKind.Null ? null : error.GetProperty("param").GetString()), what);
            Assert.True(error.GetProperty("message").GetString()!.Contains(c.Message, StringComparison.Ordinal), what);
            Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        }
        Assert.Equal(before, await RowsAsync());
    }

    [Fact]
    public async Task A_missing_or_wrong_api_key_is_refused_with_401_and_health_and_metrics_stay_open()
    {
        var (status, error, response) = await PostAsync(User("\"hi\""), key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        Assert.Equal("Authorization", error.GetProperty("param").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(User("\"hi\""), key: ServeHost.Key + "x")).Status);

        using var open = Host.Http(key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await open.GetAsync("/v1/models")).StatusCode);
        Assert.Equal("""{"status":"healthy"}""", await open.GetStringAsync("/health"));
        Assert.Contains("interns1_engine_kv_blocks_total", await open.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task The_dotnet_client_sees_a_bad_top_p_as_a_400_naming_the_field()
    {
        var chat = Host.Client().GetChatClient("intern-s1");
        var e = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { TopP = 1.5f }));
        Assert.Equal(400, e.Status);
        Assert.Contains("sampling.top_p: 1.5 is not in (0, 1]", e.Message);
        var wrongKey = await Assert.ThrowsAsync<ClientResultException>(() => Host.Client("nope").GetChatClient("m").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(401, wrongKey.Status);
    }
}
