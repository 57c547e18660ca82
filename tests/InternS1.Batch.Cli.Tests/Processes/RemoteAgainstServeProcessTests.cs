using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using InternS1.Batch.Cli.Tests.RealModel;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;
using SkiaSharp;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary>
/// The remote engine against a real HTTP engine, our own: <c>interns1 serve</c> on the tiny checkpoint (its own scratch
/// database) and <c>interns1 worker --Engine:Mode=remote</c> pointed at its <c>/v1</c> with <c>Remote:Flavor=auto</c>
/// (its own scratch database and queue). Serve's <c>owned_by: interns1</c> is no server with a dialect of its own, so
/// detection picks the generic <c>openai</c> flavor, which serve speaks (<c>chat_template_kwargs.enable_thinking</c>,
/// standard usage details). Every job ends with one result, and the worker's <c>token_usage</c> row of each job
/// equals serve's own row of the same request (found by the job's unique text in serve's stored payload).
/// </summary>
[Trait("Category", "Service")]
public class RemoteAgainstServeProcessTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private const string UsageColumns = "u.prompt_tokens, u.completion_tokens, u.reasoning_tokens, u.cached_tokens";

    [Fact]
    public async Task A_remote_worker_on_interns1_serve_detects_openai_and_records_the_usage_serve_recorded()
    {
        await using var served = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_rserve_s", default);
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_rserve_w", default);
        var queue = env.Queue("rserve");
        var media = Directory.CreateTempSubdirectory("interns1-rserve-");
        await File.WriteAllBytesAsync(Path.Combine(media.FullName, "figure.png"), Png(48, 48));
        var url = $"http://127.0.0.1:{MetricsScrape.FreePort()}";
        using var serve = Start(served.ConnectionString, out var serveLog, "serve", "--urls", url);
        Process? worker = null;
        StringBuilder workerLog = new();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
            await TestServices.WaitUntilAsync(async () =>
            {
                try { return (await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK; }
                catch (HttpRequestException) { return false; }
            }, TimeSpan.FromMinutes(3), () => Task.FromResult($"serve exited: {serve.HasExited}; output:\n{Text(serveLog)}"));

            var jobs = new Dictionary<string, JsonObject>
            {
                ["r-think-a"] = Think(Jobs.Text("r-think-a", "remote", "a", "[r-think-a] What is the boiling point of water?"), 11),
                ["r-think-b"] = Think(Jobs.Text("r-think-b", "remote", "b", "[r-think-b] Name one noble gas."), 12),
                ["r-plain-c"] = Limit(Jobs.Text("r-plain-c", "remote", "c", "[r-plain-c] Count to ten."), 13),
                ["r-plain-d"] = Limit(Jobs.Text("r-plain-d", "remote", "d", "[r-plain-d] Say hello."), 14),
                ["r-image-e"] = Limit(Jobs.WithParts("r-image-e", "remote", "e", new JsonObject { ["type"] = "image", ["path"] = "figure.png" },
                    new JsonObject { ["type"] = "text", ["text"] = "[r-image-e] Describe the figure." }), 15),
                ["r-image-f"] = Think(Jobs.WithParts("r-image-f", "remote", "f", new JsonObject { ["type"] = "image", ["path"] = "figure.png" },
                    new JsonObject { ["type"] = "text", ["text"] = "[r-image-f] What colour is it?" }), 16),
            };
            foreach (var job in jobs.Values)
                await Broker.PublishRawAsync(queue, job.ToJsonString());
            worker = Start(env.ConnectionString, out workerLog, "worker", "--Engine:Mode=remote", "--Remote:Endpoints:0=" + url + "/v1", "--Remote:Flavor=auto",
                "--Worker:QueueName=" + queue, "--Media:MediaRoot=" + media.FullName);
            var log = workerLog;
            await TestServices.WaitUntilAsync(async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results") == jobs.Count,
                TimeSpan.FromMinutes(4), () => Task.FromResult($"worker:\n{Text(log)}\nserve:\n{Text(serveLog)}"));

            Assert.Equal(0, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters"));
            Assert.Equal(jobs.Count, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM jobs WHERE status = 'succeeded'"));
            var detected = Text(workerLog);
            Assert.Contains("owned_by interns1", detected);
            Assert.Contains("flavor openai", detected);
            foreach (var id in jobs.Keys)
            {
                var mine = Assert.Single(await Database.RowsAsync(env.ConnectionString,
                    $"SELECT {UsageColumns}, r.reasoning_content FROM token_usage u JOIN results r USING (job_id) WHERE u.job_id = @id", ("id", id)));
                var theirs = Assert.Single(await Database.RowsAsync(served.ConnectionString,
                    $"SELECT {UsageColumns}, r.reasoning_content FROM jobs j JOIN token_usage u ON u.job_id = j.id JOIN results r ON r.job_id = j.id " +
                    "WHERE j.payload::text LIKE @tag", ("tag", $"%[{id}]%")));
                Assert.True(mine.Take(4).SequenceEqual(theirs.Take(4)), $"{id}: worker {string.Join(',', mine.Take(4))} vs serve {string.Join(',', theirs.Take(4))}");
                Assert.Equal(theirs[4], mine[4]);
                Assert.True((int)mine[0]! > 0 && (int)mine[1]! > 0, id);
            }
            // Thinking reached serve through the openai dialect: the thinking jobs' prompts end inside <think>, so serve
            // counted reasoning tokens for them; the others rendered no thinking and have none.
            foreach (var (id, job) in jobs)
            {
                var reasoning = await ReasoningAsync(served.ConnectionString, id);
                Assert.True(job["enable_thinking"]!.GetValue<bool>() ? reasoning > 0 : reasoning == 0, $"{id}: {reasoning} reasoning tokens");
            }
        }
        finally
        {
            foreach (var process in new[] { worker, serve })
            {
                if (process is null) continue;
                if (!process.HasExited) Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            }
            worker?.Dispose();
            media.Delete(recursive: true);
        }
    }

    private static async Task<int> ReasoningAsync(string connectionString, string id) =>
        (int)(await Database.RowsAsync(connectionString, "SELECT coalesce(u.reasoning_tokens, 0) FROM jobs j JOIN token_usage u ON u.job_id = j.id WHERE j.payload::text LIKE @tag",
            ("tag", $"%[{id}]%"))).Single()[0]!;

    private static JsonObject Think(JsonObject job, int seed)
    {
        Limit(job, seed)["enable_thinking"] = true;
        return job;
    }

    private static JsonObject Limit(JsonObject job, int seed)
    {
        job["sampling"] = new JsonObject { ["max_new_tokens"] = 6, ["seed"] = seed, ["temperature"] = 0.8 };
        return job;
    }

    private Process Start(string connectionString, out StringBuilder output, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "interns1.dll"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["ConnectionStrings__Postgres"] = connectionString;
        info.Environment["ConnectionStrings__RabbitMq"] = TestServices.RabbitMqUri;
        info.Environment["INTERNS1_Model__Path"] = model.Directory;
        info.Environment["INTERNS1_Model__Dtype"] = "float32";
        info.Environment["INTERNS1_Engine__MaxNumSeqs"] = "4";
        info.Environment["INTERNS1_Engine__KvCacheBytes"] = (32L << 20).ToString();
        info.Environment["INTERNS1_Engine__DrainTimeout"] = "00:00:05";
        info.Environment["INTERNS1_Worker__ShutdownTimeout"] = "00:00:05";
        var log = new StringBuilder();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = log;
        return process;
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
            return output.ToString();
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
}
