using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using InternS1.Batch.Cli.Tests.RealModel;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Cli.Tests.Operations;

/// <summary>
/// <c>interns1 cancel --dataset</c> in the middle of a run, as a user does it: a real <c>interns1 worker</c> process
/// (TorchSharp engine on the tiny checkpoint), the real RabbitMQ and PostgreSQL, 60 jobs submitted with
/// <c>interns1 submit</c>, six short ones and 54 with long outputs. After the cancel nothing is pending, every
/// job ended exactly once as succeeded or cancelled, the engine runs nothing and holds no KV block, the queue
/// drains (its messages acknowledged without work), a re-published cancelled job does nothing, and the export
/// marks the cancelled lines.
/// </summary>
[Trait("Category", "Service")]
public class CancelProcessTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private const int ShortJobs = 6;
    private const int LongJobs = 54;

    [Fact]
    public async Task Cancelling_a_dataset_mid_run_stops_every_job_frees_the_engine_and_drains_the_queue()
    {
        await using var scratch = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_cancel_proc", default);
        var queue = scratch.Queue("cancel-proc");
        const string dataset = "cancel-run";
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = scratch.ConnectionString,
            ["ConnectionStrings__RabbitMq"] = TestServices.RabbitMqUri,
            ["INTERNS1_Worker__QueueName"] = queue,
        };
        var file = Path.Combine(Path.GetTempPath(), $"interns1-cancel-{Guid.NewGuid():N}.jsonl");
        var lines = Enumerable.Range(0, ShortJobs + LongJobs).Select(i =>
        {
            var job = Jobs.Text($"cx-{i:00}", dataset, $"c{i:00}", $"Write a long essay number {i} about catalysis.");
            job.Remove("dataset");
            job["sampling"] = new JsonObject { ["max_new_tokens"] = i < ShortJobs ? 2 : 3000, ["seed"] = i };
            return job.ToJsonString();
        });
        await File.WriteAllLinesAsync(file, lines);
        var port = MetricsScrape.FreePort();
        using var worker = StartWorker(env, port, out var output);
        try
        {
            var submit = await CliRun.RunAsync(env, "submit", file, "--dataset", dataset);
            Assert.True(submit.Exit == 0, submit.Out + submit.Err);

            // Mid-run: the short jobs are done and long ones are generating (16 at a time, the rest still in the queue).
            await TestServices.WaitUntilAsync(async () => await Count(scratch, "SELECT count(*) FROM results") >= ShortJobs
                    && (await TryScrapeAsync(port)).GetValueOrDefault("interns1_engine_running") > 0,
                TimeSpan.FromMinutes(4), () => Describe(scratch, worker, output));
            var succeededBefore = await Count(scratch, "SELECT count(*) FROM jobs WHERE status = 'succeeded'");
            Assert.True(succeededBefore < ShortJobs + LongJobs, "the cancel comes while jobs are still unfinished");

            var cancel = await CliRun.RunAsync(env, "cancel", "--dataset", dataset);
            Assert.True(cancel.Exit == 0, cancel.Out + cancel.Err);
            Assert.Contains("Told the workers", cancel.Out);

            // Nothing pending within 10 s; the engine stops everything and frees the KV cache.
            await TestServices.WaitUntilAsync(async () => await Count(scratch, "SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')") == 0,
                TimeSpan.FromSeconds(10), () => Describe(scratch, worker, output));
            var metrics = await MetricsScrape.UntilAsync(Metrics(port),
                v => v.GetValueOrDefault("interns1_engine_running", -1) == 0 && v.GetValueOrDefault("interns1_engine_kv_blocks_used", -1) == 0,
                TimeSpan.FromSeconds(60));
            Assert.Equal(0, metrics["interns1_engine_waiting"]);

            // The messages still in RabbitMQ are consumed and acknowledged without work.
            await TestServices.WaitUntilAsync(async () => await Broker.MessageCountAsync(queue) == 0, TimeSpan.FromMinutes(2), () => Describe(scratch, worker, output));

            // Every job ended exactly once, as succeeded (with its one result) or cancelled (with none), and nothing was dead-lettered.
            var statuses = (await Database.RowsAsync(scratch.ConnectionString, "SELECT id, status FROM jobs")).ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
            Assert.Equal(ShortJobs + LongJobs, statuses.Count);
            Assert.All(statuses.Values, s => Assert.Contains(s, new[] { "succeeded", "cancelled" }));
            Assert.All(Enumerable.Range(0, ShortJobs), i => Assert.Equal("succeeded", statuses[$"cx-{i:00}"]));
            var cancelled = statuses.Where(s => s.Value == "cancelled").Select(s => s.Key).ToHashSet();
            Assert.True(cancelled.Count > LongJobs / 2, $"most long jobs were still unfinished at the cancel; cancelled: {cancelled.Count}");
            var withResult = (await Database.RowsAsync(scratch.ConnectionString, "SELECT job_id FROM results")).Select(r => (string)r[0]!).ToHashSet();
            Assert.Equal(statuses.Where(s => s.Value == "succeeded").Select(s => s.Key).ToHashSet(), withResult);
            Assert.Equal(withResult.Count, await Count(scratch, "SELECT count(*) FROM token_usage"));
            Assert.Equal(0, await Count(scratch, "SELECT count(*) FROM dead_letters"));
            var recorded = await Database.RowsAsync(scratch.ConnectionString, "SELECT dataset, job_id, jobs_cancelled FROM cancellations");
            Assert.Equal((object?[])[dataset, null, cancelled.Count], Assert.Single(recorded));

            // A re-published cancelled job is acknowledged without work: same status, same attempts, no result.
            var victim = cancelled.Order(StringComparer.Ordinal).First();
            var before = (await Database.RowsAsync(scratch.ConnectionString, "SELECT attempts, payload::text FROM jobs WHERE id = @id", ("id", victim)))[0];
            // The baseline is read from a worker at rest: an empty queue still leaves up to the prefetch count of
            // deliveries in the consumer, and a scrape that fails must not read as zero.
            var baseline = await QuiescentAsync(port);
            await Broker.PublishRawAsync(queue, (string)before[1]!);
            var settled = await MetricsScrape.UntilAsync(Metrics(port),
                v => v.GetValueOrDefault("interns1_jobs_received_total") >= baseline["interns1_jobs_received_total"] + 1
                     && v.GetValueOrDefault("interns1_jobs_in_flight", -1) == 0,
                TimeSpan.FromMinutes(1));
            Assert.True(settled["interns1_jobs_duplicates_total"] == baseline["interns1_jobs_duplicates_total"] + 1,
                $"victim {victim}: the re-published delivery was received but not acknowledged as a duplicate: "
                + $"duplicates {baseline["interns1_jobs_duplicates_total"]} -> {settled["interns1_jobs_duplicates_total"]}; "
                + await Describe(scratch, worker, output));
            var after = (await Database.RowsAsync(scratch.ConnectionString, "SELECT status, attempts FROM jobs WHERE id = @id", ("id", victim)))[0];
            Assert.Equal(("cancelled", (int)before[0]!), ((string)after[0]!, (int)after[1]!));
            Assert.Equal(0, await Count(scratch, $"SELECT count(*) FROM results WHERE job_id = '{victim}'"));

            // The export: results for the succeeded jobs, error.code "cancelled" with who cancelled for the others.
            var export = await CliRun.RunAsync(env, "export", "--dataset", dataset);
            Assert.True(export.Exit == 0, export.Err);
            var exported = export.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
            Assert.Equal(ShortJobs + LongJobs, exported.Count);
            foreach (var line in exported)
            {
                var jobId = line["id"]!.GetValue<string>()["batch_req_".Length..];
                if (cancelled.Contains(jobId))
                {
                    Assert.Null(line["response"]);
                    Assert.Equal("cancelled", line["error"]!["code"]!.GetValue<string>());
                    Assert.StartsWith("cancelled by ", line["error"]!["message"]!.GetValue<string>());
                }
                else
                {
                    Assert.Equal(200, line["response"]!["status_code"]!.GetValue<int>());
                    Assert.Null(line["error"]);
                }
            }
        }
        finally
        {
            if (!worker.HasExited)
                Process.Start("kill", ["-TERM", worker.Id.ToString()])!.WaitForExit();
            await worker.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            File.Delete(file);
        }
        Assert.Equal(0, worker.ExitCode);
        Assert.Equal(0, await Broker.MessageCountAsync(queue));
    }

    private static string Metrics(int port) => $"http://127.0.0.1:{port}/metrics";

    /// <summary>The worker's metrics once nothing is in flight and what it received has not changed for a second.</summary>
    private static async Task<Dictionary<string, double>> QuiescentAsync(int port)
    {
        var received = -1d;
        var since = Stopwatch.StartNew();
        return await MetricsScrape.UntilAsync(Metrics(port), v =>
        {
            var now = v.GetValueOrDefault("interns1_jobs_received_total", -1);
            if (now != received || v.GetValueOrDefault("interns1_jobs_in_flight", -1) != 0)
            {
                received = now;
                since.Restart();
                return false;
            }
            return since.Elapsed >= TimeSpan.FromSeconds(1);
        }, TimeSpan.FromMinutes(1));
    }

    /// <summary>The worker's metrics now, or none while its endpoint is not up yet.</summary>
    private static async Task<Dictionary<string, double>> TryScrapeAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            return MetricsScrape.Parse(await http.GetStringAsync(Metrics(port)));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return [];
        }
    }

    private static Task<long> Count(ScratchEnvironment scratch, string sql) => Database.CountAsync(scratch.ConnectionString, sql);

    private static async Task<string> Describe(ScratchEnvironment scratch, Process worker, StringBuilder output)
    {
        var statuses = await Database.RowsAsync(scratch.ConnectionString, "SELECT status, count(*) FROM jobs GROUP BY status ORDER BY status");
        lock (output)
            return $"jobs: {string.Join(", ", statuses.Select(r => $"{r[0]}={r[1]}"))}; worker exited: {worker.HasExited}; output:\n{output}";
    }

    private Process StartWorker(IDictionary<string, string> env, int metricsPort, out StringBuilder output)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "interns1.dll"), "worker"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (k, v) in env)
            info.Environment[k] = v;
        info.Environment["INTERNS1_Worker__ShutdownTimeout"] = "00:00:05";
        info.Environment["INTERNS1_Worker__MetricsPort"] = metricsPort.ToString();
        info.Environment["INTERNS1_Worker__PrefetchCount"] = "20";
        info.Environment["INTERNS1_Worker__ConcurrentMessageLimit"] = "20";
        info.Environment["INTERNS1_Model__Path"] = model.Directory;
        info.Environment["INTERNS1_Model__Dtype"] = "float32";
        info.Environment["INTERNS1_Engine__MaxNumSeqs"] = "16";
        info.Environment["INTERNS1_Engine__KvCacheBytes"] = (128L << 20).ToString();
        var log = new StringBuilder();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = log;
        return process;
    }
}
