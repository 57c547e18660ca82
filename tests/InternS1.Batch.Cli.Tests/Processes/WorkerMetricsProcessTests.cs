using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using InternS1.Batch.Worker.Scratch;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Cli.Tests.RealModel;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary>
/// <c>interns1 worker</c> as a user runs it, with the real runner on a tiny Intern-S1 checkpoint, RabbitMQ and
/// PostgreSQL, and <c>Worker:MetricsPort</c> set: after a few jobs its Prometheus endpoint serves every engine
/// metric the README lists, with values that agree with the token accounting in the database.
/// </summary>
[Trait("Category", "Service")]
public class WorkerMetricsProcessTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private const long KvCacheBytes = 64L << 20;
    private const int BlockSize = 16;

    /// <summary>The README's engine metrics as Prometheus names (counters get _total, histograms _count).</summary>
    private static readonly string[] EngineMetrics =
    [
        "interns1_engine_batch_size_count", "interns1_engine_step_tokens_count", "interns1_engine_steps_total",
        "interns1_engine_running", "interns1_engine_waiting", "interns1_engine_waiting_for_prefix",
        "interns1_engine_kv_blocks_used", "interns1_engine_kv_blocks_total", "interns1_engine_prefix_cache_hit_rate",
        "interns1_engine_prefix_cache_queried_tokens_total", "interns1_engine_prefix_cache_hit_tokens_total",
        "interns1_engine_preemptions_total",
    ];

    [Fact]
    public async Task The_running_worker_serves_every_engine_metric_with_values_that_match_the_database()
    {
        await using var scratch = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_metrics_proc", default);
        var queue = scratch.Queue("metrics-proc");
        var port = MetricsScrape.FreePort();
        using var worker = StartWorker(scratch.ConnectionString, queue, port, out var output);
        try
        {
            // Six jobs sharing a long first sentence, so later ones can be served from the prefix cache.
            var shared = string.Join(' ', Enumerable.Repeat("The reaction of sodium with water releases hydrogen gas.", 8));
            for (var i = 0; i < 6; i++)
                await Broker.PublishRawAsync(queue, Jobs.Text($"mp-{i}", "metrics", $"c{i}", $"{shared} Question {i}: why?").ToJsonString());
            await TestServices.WaitUntilAsync(async () => await Database.CountAsync(scratch.ConnectionString, "SELECT count(*) FROM results") == 6,
                TimeSpan.FromMinutes(3), () => { lock (output) return Task.FromResult($"worker exited: {worker.HasExited}; output:\n{output}"); });

            var values = await MetricsScrape.UntilAsync($"http://127.0.0.1:{port}/metrics",
                v => v.GetValueOrDefault("interns1_jobs_completed_total") == 6, TimeSpan.FromSeconds(30));
            Assert.All(EngineMetrics, name => Assert.True(values.ContainsKey(name), $"{name} is not served"));

            var usage = (await Database.RowsAsync(scratch.ConnectionString, "SELECT prompt_tokens, cached_tokens, completion_tokens FROM token_usage"))
                .Select(r => (Prompt: (int)r[0]!, Cached: (int)r[1]!, Completion: (int)r[2]!)).ToList();
            Assert.Equal(6, usage.Count);

            // The pool: KV bytes / (block size x 2 (K, V) x layers x kv heads x head dim x 4 bytes of float32).
            var text = JsonNode.Parse(File.ReadAllText(Path.Combine(model.Directory, "config.json")))!["text_config"]!;
            var bytesPerToken = 2L * text["num_hidden_layers"]!.GetValue<int>() * text["num_key_value_heads"]!.GetValue<int>() * text["head_dim"]!.GetValue<int>() * 4;
            Assert.Equal(KvCacheBytes / (BlockSize * bytesPerToken), values["interns1_engine_kv_blocks_total"]);

            // Nothing preempted (the pool is ample), so each job was looked up once and computed once: its uncached
            // prompt tokens, then one decode per generated token but the last; one batch seat per generated token.
            Assert.Equal(0, values["interns1_engine_preemptions_total"]);
            Assert.Equal(usage.Sum(u => u.Prompt), values["interns1_engine_prefix_cache_queried_tokens_total"]);
            Assert.Equal(usage.Sum(u => u.Cached), values["interns1_engine_prefix_cache_hit_tokens_total"]);
            Assert.True(values["interns1_engine_prefix_cache_hit_tokens_total"] > 0, "the shared sentence was served from the prefix cache");
            Assert.Equal(usage.Sum(u => u.Cached) / (double)usage.Sum(u => u.Prompt), values["interns1_engine_prefix_cache_hit_rate"], 6);
            Assert.Equal(usage.Sum(u => u.Prompt - u.Cached + u.Completion - 1), values["interns1_engine_step_tokens_sum"]);
            Assert.Equal(usage.Sum(u => u.Completion), values["interns1_engine_batch_size_sum"]);
            Assert.InRange(values["interns1_engine_batch_size_count"], 1, values["interns1_engine_steps_total"]);

            // Everything ended: no sequence running or waiting, no block referenced.
            Assert.Equal(0, values["interns1_engine_running"]);
            Assert.Equal(0, values["interns1_engine_waiting"]);
            Assert.Equal(0, values["interns1_engine_waiting_for_prefix"]);
            Assert.Equal(0, values["interns1_engine_kv_blocks_used"]);
        }
        finally
        {
            if (!worker.HasExited)
                Process.Start("kill", ["-TERM", worker.Id.ToString()])!.WaitForExit();
            await worker.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }
        Assert.Equal(0, worker.ExitCode);
    }

    private Process StartWorker(string connectionString, string queue, int metricsPort, out StringBuilder output)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "interns1.dll"), "worker"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["ConnectionStrings__Postgres"] = TestServices.AsWorker(connectionString);
        info.Environment["ConnectionStrings__PostgresOwner"] = connectionString;
        info.Environment["ConnectionStrings__RabbitMq"] = TestServices.RabbitMqUri;
        info.Environment["INTERNS1_Worker__QueueName"] = queue;
        info.Environment["INTERNS1_Worker__ShutdownTimeout"] = "00:00:05";
        info.Environment["INTERNS1_Worker__MetricsPort"] = metricsPort.ToString();
        info.Environment["INTERNS1_Model__Path"] = model.Directory;
        info.Environment["INTERNS1_Model__Dtype"] = "float32";
        info.Environment["INTERNS1_Engine__MaxNumSeqs"] = "8";
        info.Environment["INTERNS1_Engine__BlockSize"] = BlockSize.ToString();
        info.Environment["INTERNS1_Engine__KvCacheBytes"] = KvCacheBytes.ToString();
        info.Environment["INTERNS1_Engine__DefaultMaxNewTokens"] = "8";
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
