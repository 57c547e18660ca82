using System.Text.Json.Nodes;
using InternS1.Batch.FakeOpenAi;
using InternS1.Batch.Remote.Tests.Infrastructure;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Remote.Tests.Worker;

/// <summary>
/// The same job set through the whole worker (real RabbitMQ, PostgreSQL, HTTP) against each server flavor ends with
/// the same results rows, except the fields a flavor does not report: those are NULL, never a guessed 0. Expected
/// values are computed by hand from the fake server's documented rules: a prompt costs one token per word plus 256
/// per image; thinking streams <c>r0 r1 r2 r3</c>, <c>&lt;/think&gt;</c>, then <c>c0 ... c7</c> (13 tokens); cached
/// tokens (LMDeploy only) are half the prompt; LMDeploy and SGLang report the 4 reasoning tokens.
/// </summary>
[Trait("Category", "Service")]
public class FlavorResultsTests
{
    private const string Model = "internlm/Intern-S1";
    private const string Answer = "c0 c1 c2 c3 c4 c5 c6 c7";
    private const string Reasoning = "r0 r1 r2 r3";

    private static readonly byte[] Png = Convert.FromBase64String(Chat.PngDataUrl["data:image/png;base64,".Length..]);

    [Theory]
    [InlineData(FakeFlavor.Lmdeploy, true, true, "usage.completion_tokens_details.reasoning_tokens usage.prompt_tokens_details.cached_tokens", "delta.reasoning_content")]
    [InlineData(FakeFlavor.Vllm, false, false, "", "delta.reasoning")]
    [InlineData(FakeFlavor.Sglang, false, true, "usage.reasoning_tokens", "delta.reasoning_content")]
    [InlineData(FakeFlavor.Ollama, false, false, "", "delta.reasoning")]
    [InlineData(FakeFlavor.OpenAi, false, false, "", "")]
    public async Task Every_flavor_ends_the_same_jobs_with_the_same_rows_and_null_where_it_reports_nothing(
        FakeFlavor flavor, bool reportsCached, bool reportsReasoning, string usageFields, string reasoningField)
    {
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = flavor, Slots = 4 });
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_flavor", default);
        var queue = env.Queue("flavor");
        var media = Directory.CreateTempSubdirectory("interns1-flavor-");
        await File.WriteAllBytesAsync(Path.Combine(media.FullName, "dot.png"), Png);
        try
        {
            await using var worker = await RemoteWorker.StartAsync(env.ConnectionString, queue, [server.BaseUrl],
                new Dictionary<string, string?> { ["Media:MediaRoot"] = media.FullName });
            var d = "flavors";
            await Broker.PublishRawAsync(queue, WithSeed(Jobs.Text("a-think", d, "a", "What is the boiling point of water"), 7, thinking: true).ToJsonString());
            await Broker.PublishRawAsync(queue, WithSeed(Jobs.Text("b-plain", d, "b", "Name one noble gas"), 8, thinking: false).ToJsonString());
            await Broker.PublishRawAsync(queue, WithSeed(Jobs.WithParts("c-image", d, "c",
                new JsonObject { ["type"] = "image", ["path"] = "dot.png" }, new JsonObject { ["type"] = "text", ["text"] = "What is shown here" }), 9, thinking: true).ToJsonString());
            var limited = WithSeed(Jobs.Text("d-length", d, "d", "Count to ten"), 10, thinking: false);
            limited["sampling"]!["max_new_tokens"] = 3;
            await Broker.PublishRawAsync(queue, limited.ToJsonString());
            await WorkerRows.WaitForEndedAsync(env.ConnectionString, 4, TimeSpan.FromSeconds(60), () => worker.Logs.AllText);

            Assert.Empty(await WorkerRows.DeadLettersAsync(env.ConnectionString));
            int? Cached(int prompt) => reportsCached ? prompt / 2 : null;
            int? ReasoningCount(int n) => reportsReasoning ? n : null;
            string Fields(bool thought) => string.Join(' ', new[] { thought ? reasoningField : "", "usage.completion_tokens", usageFields, "usage.prompt_tokens" }
                .SelectMany(f => f.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Order(StringComparer.Ordinal));
            // A prompt of 7, 4, 4 + 256 and 3 tokens; thinking adds 4 reasoning tokens and </think> to the 8 answer tokens.
            WorkerRows.ResultRow[] expected =
            [
                new("a-think", "\n\n" + Answer, Reasoning, "[]", "stop", Model, 7, false, 7, 0, 0, Cached(7), 13, ReasoningCount(4), Fields(true)),
                new("b-plain", Answer, null, "[]", "stop", Model, 8, false, 4, 0, 0, Cached(4), 8, ReasoningCount(0), Fields(false)),
                new("c-image", "\n\n" + Answer, Reasoning, "[]", "stop", Model, 9, false, 260, 256, 0, Cached(260), 13, ReasoningCount(4), Fields(true)),
                new("d-length", "c0 c1 c2", null, "[]", "length", Model, 10, false, 3, 0, 0, Cached(3), 3, ReasoningCount(0), Fields(false)),
            ];
            Assert.Equal(expected, await WorkerRows.ResultsAsync(env.ConnectionString));
            Assert.Equal(4, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM jobs WHERE status = 'succeeded'"));

            // The image reached the server as the bytes of the file, inline: never as a path or URL of ours.
            var image = server.ChatRequests.Single(r => r.Body!.ToJsonString().Contains("image_url", StringComparison.Ordinal)).Body!;
            Assert.Equal(Chat.PngDataUrl, (string?)image["messages"]![0]!["content"]![0]!["image_url"]!["url"]);
        }
        finally
        {
            media.Delete(recursive: true);
        }
    }

    private static JsonObject WithSeed(JsonObject job, long seed, bool thinking)
    {
        job["sampling"] = new JsonObject { ["seed"] = seed };
        job["enable_thinking"] = thinking;
        return job;
    }
}
