using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InternS1.Batch.Cli.Tests.RealModel;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary>
/// <c>interns1 worker</c> as a user starts it: with no model options it resolves <c>Model:Dtype=auto</c> from this CPU's
/// flags and applies the heap setting before the model loads — glibc's own counters (mallinfo2) then show the weights
/// in the arenas, not in mappings of their own; with <c>Model:KeepFreedMemory=false</c> glibc maps the large weights
/// itself. Bad <c>Model:*</c> values stop the worker with a message naming the key.
/// </summary>
[Trait("Category", "Service")]
public partial class WorkerModelSettingsProcessTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task With_no_model_options_the_worker_resolves_the_dtype_from_the_cpu_and_keeps_large_allocations_in_the_heap()
    {
        var output = await RunUntilReadyAsync(new Dictionary<string, string>());
        Assert.Contains("Heap: mallopt(M_MMAP_MAX=0, M_TRIM_THRESHOLD=2 GiB) applied (Model:KeepFreedMemory=true)", output);
        // independent of the product's parser: the first flags line of /proc/cpuinfo
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(' ');
        var native = flags.Contains("avx512_bf16") || flags.Contains("amx_bf16");
        Assert.Contains(native ? "Compute dtype bfloat16 (auto: the CPU has native bfloat16" : "Compute dtype float32 (auto: the CPU has no native bfloat16", output);
        var (weights, mmapped) = HeapAfterLoading(output);
        Assert.True(mmapped < EmbeddingBytes(4) / 4, $"{mmapped} bytes in mmapped chunks after loading {weights} weight bytes:\n{output}");
    }

    [Fact]
    public async Task With_keep_freed_memory_off_glibc_maps_the_large_weights_itself()
    {
        var output = await RunUntilReadyAsync(new Dictionary<string, string>
        {
            ["INTERNS1_Model__KeepFreedMemory"] = "false", ["INTERNS1_Model__Dtype"] = "float32",
        });
        Assert.Contains("Heap: glibc defaults (Model:KeepFreedMemory=false)", output);
        Assert.Contains("Compute dtype float32 (set explicitly", output);
        // the float32 embedding alone is above glibc's largest mmap threshold (32 MiB), so it is always mapped
        var (_, mmapped) = HeapAfterLoading(output);
        Assert.True(mmapped >= EmbeddingBytes(4), $"{mmapped} bytes in mmapped chunks:\n{output}");
    }

    [Theory]
    [InlineData("Model:Dtype", "float16", "Model:Dtype must be auto, bfloat16 or float32")]
    [InlineData("Model:Device", "gpu", "Model:Device must be auto, cpu, cuda or cuda:N")]
    [InlineData("Model:Device", "cuda:1", "Model:Device=cuda:1: device 'cuda:1': libtorch reports no CUDA device")]
    public async Task A_bad_model_setting_stops_the_worker_with_a_message_naming_the_key(string key, string value, string message)
    {
        await using var scratch = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_model_opts", default);
        var env = Environment(scratch.ConnectionString, scratch.Queue("model-opts"));
        var run = await CliRun.RunAsync(env, "worker", $"--{key}={value}");
        Assert.Equal(2, run.Exit);
        Assert.Contains(message, run.Err + run.Out);
    }

    /// <summary>Starts the worker, waits for its ready line, stops it with SIGTERM; returns everything it printed.</summary>
    private async Task<string> RunUntilReadyAsync(Dictionary<string, string> extra)
    {
        await using var scratch = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_model_heap", default);
        using var worker = CliProcess.Start(Environment(scratch.ConnectionString, scratch.Queue("model-heap")).Concat(extra).ToDictionary(), "worker");
        await worker.WaitForOutputAsync(" ready: ", TimeSpan.FromMinutes(3));
        // NOTE: 2 minutes: under the full suite's load a drain once took over 1 (this test is about the heap, not
        // shutdown time); a worker that does not stop still fails with its output
        await worker.TerminateAsync(TimeSpan.FromMinutes(2));
        return worker.Output;
    }

    private Dictionary<string, string> Environment(string connectionString, string queue) => new()
    {
        ["ConnectionStrings__Postgres"] = connectionString,
        ["ConnectionStrings__RabbitMq"] = TestServices.RabbitMqUri,
        ["INTERNS1_Worker__QueueName"] = queue,
        ["INTERNS1_Worker__ShutdownTimeout"] = "00:00:05",
        ["INTERNS1_Model__Path"] = model.Directory,
        ["INTERNS1_Engine__KvCacheBytes"] = (16L << 20).ToString(),
    };

    /// <summary>vocab_size x hidden_size x <paramref name="elementBytes"/> from the model's config.json.</summary>
    private long EmbeddingBytes(int elementBytes)
    {
        var text = JsonNode.Parse(File.ReadAllText(Path.Combine(model.Directory, "config.json")))!["text_config"]!;
        return (long)text["vocab_size"]!.GetValue<int>() * text["hidden_size"]!.GetValue<int>() * elementBytes;
    }

    /// <summary>The worker's "Heap after loading N weight bytes: ..., K mmapped chunks of X MiB" line.</summary>
    private static (long Weights, long MmappedBytes) HeapAfterLoading(string output)
    {
        var m = HeapLine().Match(output);
        Assert.True(m.Success, "no heap line in:\n" + output);
        return (long.Parse(m.Groups[1].Value), (long)(double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) * 1048576));
    }

    [GeneratedRegex(@"Heap after loading (\d+) weight bytes: .*, \d+ mmapped chunks of ([0-9.]+) MiB")]
    private static partial Regex HeapLine();
}
