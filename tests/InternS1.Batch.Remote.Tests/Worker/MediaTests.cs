using System.Diagnostics;
using System.Text.Json.Nodes;
using InternS1.Batch.FakeOpenAi;
using InternS1.Batch.Remote.Tests.Infrastructure;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Remote.Tests.Worker;

/// <summary>
/// Media stays ours in remote mode: the worker fetches and checks every image and video with the local engine's
/// intake (media root, URL policy, SSRF checks, limits, reason codes) and sends the bytes as <c>data:</c> URLs; a
/// server never sees a user's URL or path, and media the policy refuses never leads to a request at all.
/// </summary>
[Trait("Category", "Service")]
public class MediaTests
{
    private static readonly byte[] Png = Convert.FromBase64String(Chat.PngDataUrl["data:image/png;base64,".Length..]);

    private static JsonObject Image(string source, string value) => new() { ["type"] = "image", [source] = value };

    private static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = text };

    [Fact]
    public async Task Images_by_url_path_and_base64_reach_the_server_as_data_urls_and_never_as_the_users_url()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        await using var media = new MediaHost(Png);
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_rmedia", default);
        var queue = env.Queue("rmedia");
        var root = Directory.CreateTempSubdirectory("interns1-rmedia-");
        await File.WriteAllBytesAsync(Path.Combine(root.FullName, "secret-figure.png"), Png);
        try
        {
            await using var worker = await RemoteWorker.StartAsync(env.ConnectionString, queue, [server.BaseUrl], new Dictionary<string, string?>
            {
                ["Media:MediaRoot"] = root.FullName,
                ["Media:AllowPrivateAddresses"] = "true", // the user's media host is on loopback here
            });
            await Broker.PublishRawAsync(queue, Jobs.WithParts("m-url", "m", "1", Image("url", media.Url), Text("one")).ToJsonString());
            await Broker.PublishRawAsync(queue, Jobs.WithParts("m-openai", "m", "2",
                new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = media.Url } }, Text("two")).ToJsonString());
            await Broker.PublishRawAsync(queue, Jobs.WithParts("m-path", "m", "3", Image("path", "secret-figure.png"), Text("three")).ToJsonString());
            await Broker.PublishRawAsync(queue, Jobs.WithParts("m-b64", "m", "4", Image("base64", Convert.ToBase64String(Png)), Text("four")).ToJsonString());
            await WorkerRows.WaitForEndedAsync(env.ConnectionString, 4, TimeSpan.FromSeconds(60), () => worker.Logs.AllText);

            Assert.Empty(await WorkerRows.DeadLettersAsync(env.ConnectionString));
            Assert.Equal(2, media.Hits); // the worker fetched each URL itself, once
            var bodies = server.ChatRequests.Select(r => r.Body!).ToList();
            Assert.Equal(4, bodies.Count);
            foreach (var body in bodies)
            {
                Assert.Equal(Chat.PngDataUrl, (string?)body["messages"]![0]!["content"]![0]!["image_url"]!["url"]);
                var text = body.ToJsonString();
                Assert.DoesNotContain($"127.0.0.1:{media.Port}", text);
                Assert.DoesNotContain("secret-figure", text);
                Assert.DoesNotContain(root.FullName, text);
            }
            // Our own count of the 1x1 image: one 448-pixel tile, 256 tokens.
            Assert.All(await WorkerRows.ResultsAsync(env.ConnectionString), r => Assert.Equal(256, r.Image));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_ssrf_url_is_dead_lettered_as_media_forbidden_before_any_request_is_made()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        await using var media = new MediaHost(Png);
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_rssrf", default);
        var queue = env.Queue("rssrf");
        await using var worker = await RemoteWorker.StartAsync(env.ConnectionString, queue, [server.BaseUrl]);
        await Broker.PublishRawAsync(queue, Jobs.WithParts("s-loopback", "s", "1", Image("url", media.Url), Text("x")).ToJsonString());
        await Broker.PublishRawAsync(queue, Jobs.WithParts("s-metadata", "s", "2", Image("url", "http://169.254.169.254/latest/meta-data/iam"), Text("x")).ToJsonString());
        await WorkerRows.WaitForEndedAsync(env.ConnectionString, 2, TimeSpan.FromSeconds(60), () => worker.Logs.AllText);

        var dead = await WorkerRows.DeadLettersAsync(env.ConnectionString);
        Assert.Equal(["s-loopback", "s-metadata"], dead.Keys.Order());
        Assert.All(dead.Values, d => Assert.Equal("media_forbidden", d.Reason));
        Assert.StartsWith("messages[0].content[0]", dead["s-loopback"].Message);
        Assert.Empty(server.ChatRequests);
        Assert.Equal(0, media.Hits);
    }

    [Fact]
    public async Task A_video_goes_to_vllm_as_a_data_url_with_our_frame_count_and_is_refused_by_lmdeploy_naming_the_flavor()
    {
        var folder = Directory.CreateTempSubdirectory("interns1-rvideo-");
        try
        {
            // 1 s at 10 frames per second; the job asks for 4 frames: 4 x 256 video tokens by our count.
            var video = Path.Combine(folder.FullName, "clip.mp4");
            using (var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=1:size=64x64:rate=10",
                       "-c:v", "libx264", "-pix_fmt", "yuv420p", video]) { RedirectStandardError = true })!)
                await ffmpeg.WaitForExitAsync();
            var bytes = await File.ReadAllBytesAsync(video);
            var job = (string id) => Jobs.WithParts(id, "v", id, new JsonObject { ["type"] = "video", ["path"] = "clip.mp4", ["num_frames"] = 4 }, Text("what happens")).ToJsonString();

            await using var vllm = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Vllm });
            await using var lmdeploy = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Flavor = FakeFlavor.Lmdeploy });
            await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_rvideo", default);
            var settings = new Dictionary<string, string?> { ["Media:MediaRoot"] = folder.FullName };
            var vllmQueue = env.Queue("rvideo-vllm");
            var lmdeployQueue = env.Queue("rvideo-lmdeploy");
            await using (var worker = await RemoteWorker.StartAsync(env.ConnectionString, vllmQueue, [vllm.BaseUrl], settings))
            {
                await Broker.PublishRawAsync(vllmQueue, job("v-vllm"));
                await WorkerRows.WaitForEndedAsync(env.ConnectionString, 1, TimeSpan.FromSeconds(60), () => worker.Logs.AllText);
            }
            await using (var worker = await RemoteWorker.StartAsync(env.ConnectionString, lmdeployQueue, [lmdeploy.BaseUrl], settings))
            {
                await Broker.PublishRawAsync(lmdeployQueue, job("v-lmdeploy"));
                await WorkerRows.WaitForEndedAsync(env.ConnectionString, 2, TimeSpan.FromSeconds(60), () => worker.Logs.AllText);
            }

            var result = Assert.Single(await WorkerRows.ResultsAsync(env.ConnectionString));
            Assert.Equal(("v-vllm", 1024, 0, 2 + 1024), (result.JobId, result.Video, result.Image, result.Prompt));
            var sent = (string?)Assert.Single(vllm.ChatRequests).Body!["messages"]![0]!["content"]![0]!["video_url"]!["url"];
            Assert.Equal("data:video/mp4;base64," + Convert.ToBase64String(bytes), sent);

            var refused = (await WorkerRows.DeadLettersAsync(env.ConnectionString))["v-lmdeploy"];
            Assert.Equal("unsupported_content", refused.Reason);
            Assert.Contains("lmdeploy server flavor", refused.Message);
            Assert.Empty(lmdeploy.ChatRequests);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
