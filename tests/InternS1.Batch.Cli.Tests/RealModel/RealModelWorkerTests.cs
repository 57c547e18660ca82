using System.Diagnostics;
using System.Text.Json.Nodes;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;
using SkiaSharp;

namespace InternS1.Batch.Cli.Tests.RealModel;

/// <summary>
/// The real worker (chat template, media intake, TorchSharp engine on a tiny Intern-S1 checkpoint) with
/// the real RabbitMQ and PostgreSQL: good text and image jobs succeed with exact media token counts, and
/// every media failure class, a literal placeholder and an over-long prompt end as dead letters with
/// their reason codes, one job at a time.
/// </summary>
[Trait("Category", "Service")]
public class RealModelWorkerTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task Good_jobs_succeed_and_each_bad_media_or_prompt_ends_as_its_own_dead_letter()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_real", default);
        var queue = env.Queue("real");
        var root = Directory.CreateTempSubdirectory("interns1-real-media-").FullName;
        var media = Path.Combine(root, "media");
        Directory.CreateDirectory(media);
        await File.WriteAllBytesAsync(Path.Combine(root, "outside.png"), Png(40, 30));
        // Square: the tiling rule picks the 1x1 grid (a 64x48 image would get the exact-ratio 4x3 grid + thumbnail = 13 tiles).
        await File.WriteAllBytesAsync(Path.Combine(media, "good.png"), Png(48, 48));
        await File.WriteAllBytesAsync(Path.Combine(media, "garbage.png"), "this is not an image"u8.ToArray());
        await File.WriteAllBytesAsync(Path.Combine(media, "bomb.png"), PngHeaderOnly(100_000, 100_000));
        File.CreateSymbolicLink(Path.Combine(media, "escape.png"), Path.Combine(root, "outside.png"));
        Ffmpeg("-f", "lavfi", "-i", "testsrc=duration=3:size=64x48:rate=5", "-c:v", "libx264", "-pix_fmt", "yuv420p", Path.Combine(media, "long.mp4"));

        using var host = await RealModelWorker.StartAsync(env.ConnectionString, queue, model.Directory, new Dictionary<string, string?>
        {
            ["Media:MediaRoot"] = media,
            ["Media:MaxVideoDuration"] = "00:00:01",
            ["Engine:MaxModelLength"] = "1024",
        });
        try
        {
            const string ds = "real";
            JsonObject Image(JsonObject source) { source["type"] = "image"; return source; }
            var jobs = new Dictionary<string, JsonObject>
            {
                ["good-text"] = Jobs.Text("good-text", ds, "t", "What is the boiling point of water?"),
                ["good-image"] = Jobs.WithParts("good-image", ds, "i", Image(new JsonObject { ["path"] = "good.png" }), new JsonObject { ["type"] = "text", ["text"] = "Describe." }),
                ["good-base64"] = Jobs.WithParts("good-base64", ds, "b", Image(new JsonObject { ["base64"] = Convert.ToBase64String(Png(20, 20)) })),
                ["bad-traversal"] = Jobs.WithParts("bad-traversal", ds, "bt", Image(new JsonObject { ["path"] = "../outside.png" })),
                ["bad-symlink"] = Jobs.WithParts("bad-symlink", ds, "bs", Image(new JsonObject { ["path"] = "escape.png" })),
                ["bad-loopback"] = Jobs.WithParts("bad-loopback", ds, "bl", Image(new JsonObject { ["url"] = "http://127.0.0.1:9/x.png" })),
                ["bad-scheme"] = Jobs.WithParts("bad-scheme", ds, "bf", Image(new JsonObject { ["url"] = "file:///etc/hostname" })),
                ["bad-garbage"] = Jobs.WithParts("bad-garbage", ds, "bg", Image(new JsonObject { ["path"] = "garbage.png" })),
                ["bad-missing"] = Jobs.WithParts("bad-missing", ds, "bm", Image(new JsonObject { ["path"] = "missing.png" })),
                ["bad-bomb"] = Jobs.WithParts("bad-bomb", ds, "bb", Image(new JsonObject { ["path"] = "bomb.png" })),
                ["bad-video"] = Jobs.WithParts("bad-video", ds, "bv", new JsonObject { ["type"] = "video", ["path"] = "long.mp4", ["num_frames"] = 2 }),
                // special-token text in content is plain text by default (Validation:SpecialTokensInContent = escape)
                ["good-literal"] = Jobs.Text("good-literal", ds, "bp", "a literal <IMG_CONTEXT> in the text"),
                ["bad-long"] = Jobs.Text("bad-long", ds, "bx", string.Join(' ', Enumerable.Repeat("word", 1500))),
            };
            var expected = new Dictionary<string, string>
            {
                ["bad-traversal"] = "media_forbidden",
                ["bad-symlink"] = "media_forbidden",
                ["bad-loopback"] = "media_forbidden",
                ["bad-scheme"] = "media_forbidden",
                ["bad-garbage"] = "media_unreadable",
                ["bad-missing"] = "media_unreadable",
                ["bad-bomb"] = "media_too_large",
                ["bad-video"] = "media_too_large",
                ["bad-long"] = "prompt_too_long",
            };
            foreach (var job in jobs.Values)
                await Broker.PublishRawAsync(queue, job.ToJsonString());

            await TestServices.WaitUntilAsync(
                async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results") + await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters") == jobs.Count,
                TimeSpan.FromMinutes(3),
                async () => string.Join(", ", (await Database.RowsAsync(env.ConnectionString, "SELECT job_id, reason_code FROM dead_letters")).Select(r => $"{r[0]}={r[1]}")));

            var dead = (await Database.RowsAsync(env.ConnectionString, "SELECT job_id, reason_code, message FROM dead_letters"))
                .ToDictionary(r => (string)r[0]!, r => ((string)r[1]!, (string)r[2]!));
            foreach (var (jobId, reason) in expected)
                Assert.True(dead.TryGetValue(jobId, out var got) && got.Item1 == reason, $"{jobId}: expected {reason}, got {(dead.TryGetValue(jobId, out var g) ? g : default)}");
            Assert.True(expected.Count == dead.Count, "unexpected dead letters: " + string.Join("; ", dead.Where(d => !expected.ContainsKey(d.Key)).Select(d => $"{d.Key}={d.Value}")));
            Assert.Contains("messages[0].content[0]", dead["bad-garbage"].Item2);

            // Good jobs: one result and one token_usage row each; a square image is one 448 tile = 256 image tokens.
            var usage = (await Database.RowsAsync(env.ConnectionString, "SELECT job_id, prompt_tokens, image_tokens, video_tokens, completion_tokens FROM token_usage"))
                .ToDictionary(r => (string)r[0]!, r => (Prompt: (int)r[1]!, Image: (int)r[2]!, Video: (int)r[3]!, Completion: (int)r[4]!));
            Assert.Equal(["good-base64", "good-image", "good-literal", "good-text"], usage.Keys.Order().ToArray());
            Assert.Equal((0, 0), (usage["good-literal"].Image, usage["good-literal"].Video));
            Assert.Equal((0, 0), (usage["good-text"].Image, usage["good-text"].Video));
            Assert.Equal(256, usage["good-image"].Image);
            Assert.Equal(256, usage["good-base64"].Image);
            Assert.True(usage["good-image"].Prompt > 256 + 2, "prompt tokens include the 256 image tokens, <img> and </img> and the text");
            Assert.All(usage.Values, u => Assert.InRange(u.Completion, 1, 8));
        }
        finally
        {
            using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
                await host.StopAsync(stop.Token);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task An_image_url_is_downloaded_and_a_stalled_download_ends_as_media_timeout()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_real_url", default);
        var queue = env.Queue("real-url");
        using var server = new TinyHttpServer(Png(48, 48));
        using var host = await RealModelWorker.StartAsync(env.ConnectionString, queue, model.Directory, new Dictionary<string, string?>
        {
            ["Media:AllowPrivateAddresses"] = "true", // the test servers are on loopback
            ["Media:DownloadTimeout"] = "00:00:02",
        });
        try
        {
            const string ds = "real-url";
            var jobs = new[]
            {
                Jobs.WithParts("url-good", ds, "g", new JsonObject { ["type"] = "image", ["url"] = server.Url("/good.png") }, new JsonObject { ["type"] = "text", ["text"] = "Describe." }),
                Jobs.WithParts("url-stalled", ds, "s", new JsonObject { ["type"] = "image", ["url"] = server.Url("/stall.png") }),
                Jobs.WithParts("url-404", ds, "n", new JsonObject { ["type"] = "image", ["url"] = server.Url("/missing.png") }),
            };
            foreach (var job in jobs)
                await Broker.PublishRawAsync(queue, job.ToJsonString());

            await TestServices.WaitUntilAsync(
                async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results") + await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters") == jobs.Length,
                TimeSpan.FromMinutes(2),
                async () => string.Join(", ", (await Database.RowsAsync(env.ConnectionString, "SELECT job_id, reason_code FROM dead_letters")).Select(r => $"{r[0]}={r[1]}")));

            var dead = (await Database.RowsAsync(env.ConnectionString, "SELECT job_id, reason_code, message FROM dead_letters"))
                .ToDictionary(r => (string)r[0]!, r => ((string)r[1]!, (string)r[2]!));
            Assert.Equal(["url-404", "url-stalled"], dead.Keys.Order().ToArray());
            Assert.Equal("media_timeout", dead["url-stalled"].Item1);
            Assert.Contains("messages[0].content[0]", dead["url-stalled"].Item2);
            Assert.Equal("media_unreadable", dead["url-404"].Item1);
            Assert.Contains("404", dead["url-404"].Item2);
            var image = await Database.RowsAsync(env.ConnectionString, "SELECT image_tokens FROM token_usage WHERE job_id = 'url-good'");
            Assert.Equal(256, (int)Assert.Single(image)[0]!);
            Assert.True(server.Requests.Contains("/stall.png"), "the stalled URL was requested");
        }
        finally
        {
            using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
                await host.StopAsync(stop.Token);
        }
    }

    /// <summary>A loopback HTTP/1.1 server: <c>/good.png</c> serves the image, <c>/stall.png</c> accepts
    /// the request and never answers, anything else is 404.</summary>
    private sealed class TinyHttpServer : IDisposable
    {
        private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly byte[] _png;

        public TinyHttpServer(byte[] png)
        {
            _png = png;
            _listener.Start();
            _ = Task.Run(AcceptLoopAsync);
        }

        public System.Collections.Concurrent.ConcurrentBag<string> Requests { get; } = [];

        public string Url(string path) => $"http://127.0.0.1:{((System.Net.IPEndPoint)_listener.LocalEndpoint).Port}{path}";

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                System.Net.Sockets.TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception) { return; }
                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(System.Net.Sockets.TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
                var requestLine = await reader.ReadLineAsync(_stop.Token) ?? "";
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stop.Token))) { }
                var path = requestLine.Split(' ') is [_, var p, ..] ? p : "";
                Requests.Add(path);
                if (path == "/stall.png")
                {
                    try { await Task.Delay(Timeout.Infinite, _stop.Token); } catch (OperationCanceledException) { }
                    return;
                }
                var (status, body) = path == "/good.png" ? ("200 OK", _png) : ("404 Not Found", "not found"u8.ToArray());
                var head = $"HTTP/1.1 {status}\r\nContent-Type: {(path == "/good.png" ? "image/png" : "text/plain")}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head), _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }

    private static byte[] Png(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 4), (byte)(y * 5), 128));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A PNG signature and IHDR chunk claiming the given size (a decompression bomb's header).</summary>
    private static byte[] PngHeaderOnly(int width, int height)
    {
        var ihdr = new byte[17];
        "IHDR"u8.CopyTo(ihdr);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(8), height);
        ihdr[12] = 8; // bit depth
        ihdr[13] = 2; // RGB
        var png = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 };
        png.AddRange(ihdr);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(ihdr));
        png.AddRange(crc);
        return png.ToArray();
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    private static void Ffmpeg(params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", .. args]) { RedirectStandardError = true })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "ffmpeg failed: " + err);
    }
}
