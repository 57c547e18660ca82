using System.Diagnostics;
using System.Text.Json;
using InternS1.Batch.Http.Tests.Infrastructure;
using InternS1.Batch.Tests.Infrastructure;

namespace InternS1.Batch.Http.Tests.Service;

/// <summary>A second, independent client: the openai npm package under node (tests/tools/openai-node, installed with
/// <c>npm ci</c> when its node_modules is missing) runs the same cases against the endpoint; this test reads what it
/// received and checks it against the engine's records and the rows in PostgreSQL.</summary>
[Trait("Category", "Service")]
[Collection(ServeCollection.Name)]
public sealed class NodeClientTests(ServeFixture fixture)
{
    private static readonly string ToolDir = Path.Combine(TestServices.RepositoryRoot, "tests", "tools", "openai-node");

    private static async Task<string> RunAsync(string file, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(file, args) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    [Fact]
    public async Task The_openai_npm_client_gets_the_same_answers_as_the_dotnet_one()
    {
        var host = fixture.Host;
        if (!Directory.Exists(Path.Combine(ToolDir, "node_modules", "openai")))
            await RunAsync("npm", ToolDir, "ci", "--no-audit", "--no-fund");
        var png = Path.Combine(Path.GetTempPath(), $"interns1-node-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(png, Png.Gradient(48, 48));
        JsonElement got;
        try
        {
            got = JsonDocument.Parse(await RunAsync("node", ToolDir, "check-serve.mjs", host.BaseUrl + "/v1", ServeHost.Key, png)).RootElement;
        }
        finally
        {
            File.Delete(png);
        }

        var model = Assert.Single(got.GetProperty("models").EnumerateArray());
        Assert.Equal("interns1", model.GetProperty("owned_by").GetString());
        Assert.Equal(2048, model.GetProperty("max_model_len").GetInt32());

        // Thinking on: reasoning under both names; off (both forms): none, and the prompt has no think opening.
        var chat = got.GetProperty("chat");
        Assert.Equal("chat.completion", chat.GetProperty("object").GetString());
        Assert.Equal(JsonValueKind.String, chat.GetProperty("reasoning_content").ValueKind);
        Assert.Equal(chat.GetProperty("reasoning_content").GetString(), chat.GetProperty("reasoning").GetString());
        Assert.EndsWith("<think>", host.PromptOf(chat.GetProperty("id").GetString()!).TrimEnd());
        foreach (var name in new[] { "thinking_off", "thinking_off_lmdeploy" })
        {
            var off = got.GetProperty(name);
            Assert.Equal(JsonValueKind.Null, off.GetProperty("reasoning_content").ValueKind);
            Assert.Equal(0, off.GetProperty("usage").GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
            Assert.False(host.PromptOf(off.GetProperty("id").GetString()!).TrimEnd().EndsWith("<think>", StringComparison.Ordinal), name);
        }

        // Usage matches the stored accounting.
        var usage = chat.GetProperty("usage");
        var stored = (await Database.RowsAsync(host.ConnectionString, "SELECT prompt_tokens, completion_tokens, cached_tokens FROM token_usage WHERE job_id = @id",
            ("id", chat.GetProperty("id").GetString()!))).Single();
        Assert.Equal((int)stored[0]!, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal((int)stored[1]!, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal((int)stored[2]!, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal((int)stored[0]! + (int)stored[1]!, usage.GetProperty("total_tokens").GetInt32());

        // The stream adds up to the stored answer and ends with its usage.
        var stream = got.GetProperty("stream");
        var streamed = (await Database.RowsAsync(host.ConnectionString, "SELECT r.content, u.completion_tokens FROM results r JOIN token_usage u USING (job_id) WHERE job_id = @id",
            ("id", stream.GetProperty("id").GetString()!))).Single();
        Assert.Equal((string)streamed[0]!, stream.GetProperty("content").GetString());
        Assert.Equal("", stream.GetProperty("reasoning").GetString());
        Assert.Equal((int)streamed[1]!, stream.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(JsonValueKind.String, stream.GetProperty("finish_reason").ValueKind);

        // The model card's tool example reaches the prompt; the image counts 256 tokens.
        var toolPrompt = host.PromptOf(got.GetProperty("tools").GetProperty("id").GetString()!);
        Assert.Contains("You have access to these tools:", toolPrompt);
        Assert.Contains("\"get_current_temperature\"", toolPrompt);
        Assert.Contains("The unit to return the temperature in.", toolPrompt);
        Assert.Equal(256, got.GetProperty("image").GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("image_tokens").GetInt32());

        // Errors as the npm client reports them.
        var bad = got.GetProperty("bad_top_p");
        Assert.Equal(400, bad.GetProperty("status").GetInt32());
        Assert.Equal("invalid_sampling", bad.GetProperty("code").GetString());
        Assert.Equal("top_p", bad.GetProperty("param").GetString());
        Assert.Contains("sampling.top_p: 1.5 is not in (0, 1]", bad.GetProperty("message").GetString());
        Assert.Equal(401, got.GetProperty("wrong_key").GetProperty("status").GetInt32());
        Assert.Equal("invalid_api_key", got.GetProperty("wrong_key").GetProperty("code").GetString());
    }
}
