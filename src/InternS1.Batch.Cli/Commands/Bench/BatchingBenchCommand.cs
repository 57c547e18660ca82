using System.CommandLine;
using System.Text.Json;
using InternS1.Batch.Benchmarks.Batching;
using InternS1.Batch.Benchmarks.Roofline;
using InternS1.Batch.Cli.EmbeddedModel;
using InternS1.Engine.Torch.Running;
using InternS1.Text.Assets;
using InternS1.Text.Tokenization;
using Spectre.Console;

namespace InternS1.Batch.Cli.Commands.Bench;

/// <summary>
/// <c>interns1 bench batching [--json FILE] [--quick] [--no-large] [--dtype bfloat16] [--repeats N]</c>:
/// the engine over the real TorchSharp runner on the tiny model and a larger random MoE — continuous
/// batching vs one job at a time, vs static batches, prefix cache on vs off, KV bytes per token vs
/// the formula — each ratio measured in this run. Prompts and output decoding use the real tokenizer.
/// The random checkpoints are written once under the cache root (<c>bench-checkpoints/</c>) and reused.
/// </summary>
public static class BatchingBenchCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as one JSON object to this file" };
        var quick = new Option<bool>("--quick") { Description = "Smaller workloads and one repetition (about a minute)" };
        var noLarge = new Option<bool>("--no-large") { Description = "Skip the larger random MoE model" };
        var dtype = new Option<string>("--dtype") { Description = "Compute dtype: auto (as the worker resolves it), float32 or bfloat16", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads")
        {
            Description = "Torch CPU threads (default 0 = all processors, as the worker runs; 1 gives steadier step times on a shared machine)", DefaultValueFactory = _ => 0,
        };
        var defaultHeap = new Option<bool>("--default-heap")
        {
            Description = "Keep glibc's default heap settings (by default the benchmark keeps freed pages for reuse; fresh pages are slow on VMs)",
        };
        var repeats = new Option<int?>("--repeats") { Description = "Repetitions of each run while cheap, best kept (default 3)" };
        var command = new Command("batching", "Benchmark continuous batching, static batches, prefix caching and KV memory on the real runner")
            { json, quick, noLarge, dtype, threads, repeats, defaultHeap };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var preset = parse.GetValue(quick) ? BatchingBenchmarkOptions.Quick : new BatchingBenchmarkOptions();
            var options = preset with
            {
                Dtype = ComputeDtypes.ParseSetting(parse.GetValue(dtype)!), Threads = parse.GetValue(threads) is > 0 and var t ? t : null,
                IncludeLarge = !parse.GetValue(noLarge), Repeats = parse.GetValue(repeats) ?? preset.Repeats,
                KeepFreedMemory = !parse.GetValue(defaultHeap),
                CheckpointCacheDirectory = Path.Combine(Qwen3TokenizerSource.CacheRoot(), "bench-checkpoints"),
            };
            var watch = System.Diagnostics.Stopwatch.StartNew();
            void Progress(string line) => Console.Error.WriteLine($"[{watch.Elapsed.TotalSeconds,5:F0} s] {line}");
            var tokenizer = await LoadTokenizerAsync(Progress, cancellationToken);
            var report = BatchingBenchmark.Run(options, tokenizer, Progress);
            Print(report);
            if (parse.GetValue(json) is { } file)
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(report, Json) + "\n", cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary>The tiny model's tokenizer: Qwen3's files (cached or downloaded) extended by the text stack's tiny assets.</summary>
    internal static async Task<InternS1Tokenizer> LoadTokenizerAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        var qwen3 = await Qwen3TokenizerSource.EnsureAsync(progress, cancellationToken);
        progress("writing and loading the tiny model's tokenizer");
        var dir = Path.Combine(Path.GetTempPath(), "interns1-bench-tokenizer-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            TinyTokenizerAssets.Write(qwen3, dir);
            return InternS1Tokenizer.Load(dir);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    /// <summary>A table per model (baseline, continuous, ratio, goal), then the headline.</summary>
    private static void Print(BatchingBenchmarkReport report)
    {
        foreach (var m in report.Models)
        {
            var table = new Table().Title(Markup.Escape($"{m.Model}: {m.Parameters / 1e6:N1} M parameters, {m.Dtype} ({m.DtypeReason}), {m.Threads} threads, heap: {m.MallocSettings}"))
                .AddColumn("comparison").AddColumn("baseline").AddColumn("candidate").AddColumn("ratio").AddColumn("goal");
            void Throughput(string title, ThroughputComparison c, Func<BatchingRunStats, double> measure, string goal) => table.AddRow(
                Markup.Escape($"{title}\n{c.Workload}"),
                Markup.Escape($"{c.Baseline.Mode}\n{measure(c.Baseline):N1} {c.Measure}\n{c.Baseline.WallSeconds:F1} s, {c.Baseline.Steps} steps, mean batch {c.Baseline.MeanBatchSize:F1}"),
                Markup.Escape($"{c.Continuous.Mode}\n{measure(c.Continuous):N1} {c.Measure}\n{c.Continuous.WallSeconds:F1} s, {c.Continuous.Steps} steps, mean batch {c.Continuous.MeanBatchSize:F1}"),
                Verdict(c.Ratio, c.Goal, $"{c.Ratio:F2}x") + Markup.Escape($"\n(end to end {c.EndToEndRatio:F2}x)"),
                goal);
            Throughput("continuous vs one job at a time", m.Sequential, s => s.DecodeTokensPerSecond, $">= {m.Sequential.Goal:F0}x");
            Throughput("continuous vs static batches\n(a batch keeps its slots until its longest job ends)", m.Static, s => s.OutputTokensPerSecond, ">= 1.8x");
            Throughput("continuous vs static batches, early exit\n(finished jobs leave, none joins)", m.StaticEarlyExit, s => s.OutputTokensPerSecond, "(reference)");
            var p = m.Prefix;
            table.AddRow(
                Markup.Escape($"prefix cache on vs off\n{p.Workload}"),
                Markup.Escape($"{p.Off.Mode}\n{p.Off.PrefillTokens:N0} prefill tokens\n{p.Off.WallSeconds:F1} s"),
                Markup.Escape($"{p.On.Mode}\n{p.On.PrefillTokens:N0} prefill tokens ({p.On.CachedPromptTokens:N0} cached)\n{p.On.WallSeconds:F1} s"),
                Verdict(p.Speedup, 3, $"{p.Speedup:F2}x faster") + "\n" + Verdict(0.12, p.PrefillFraction, $"{p.PrefillFraction:P1} of the tokens"),
                ">= 3x\n<= 12%");
            var kv = m.KvMemory;
            table.AddRow(
                Markup.Escape($"KV bytes per token\npool of {kv.PoolTokens:N0} token slots"),
                Markup.Escape($"formula 2 x layers x kv heads x head dim x bytes\n{kv.FormulaBytesPerToken:N0} B"),
                Markup.Escape($"resident growth {(kv.ResidentBytesPerToken is { } r ? $"{r:N1} B" : "n/a")}\nallocated tensors {kv.AllocatedBytesPerToken:N1} B"),
                Markup.Escape($"{kv.MeasuredBytesPerToken / kv.FormulaBytesPerToken:F3}"),
                "1.000");
            var roof = m.Roofline;
            table.AddRow(
                Markup.Escape($"roofline fractions\nmatmul {MachineRatesText(roof)}"),
                Markup.Escape($"one job at a time\n{roof.SingleTokensPerSecond:N1} tokens/s x {roof.Cost.WeightBytesPerToken / 1048576.0:N0} MiB/token\n= {roof.SingleBytesPerSecond / 1e9:N1} GB/s"),
                Markup.Escape($"continuous, {roof.BatchedSequences:F0} slots\n{roof.BatchedTokensPerSecond:N1} tokens/s x {roof.Cost.FlopsPerToken / 1e6:N0} MFLOP/token\n= {roof.BatchedFlopsPerSecond / 1e9:N1} GFLOP/s"),
                Verdict(roof.BandwidthFraction, RooflineFractions.Goal, $"bandwidth {roof.BandwidthFraction:F2}") + "\n" + Verdict(roof.ComputeFraction, RooflineFractions.Goal, $"compute {roof.ComputeFraction:F2}"),
                ">= 0.6\n>= 0.6");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(Markup.Escape($"CPU: {m.Cpu}"));
        }
        AnsiConsole.MarkupLine(Markup.Escape(
            $"headline ({report.HeadlineModel}): continuous_vs_sequential {report.ContinuousVsSequential:F2}, continuous_vs_static {report.ContinuousVsStatic:F2}, " +
            $"prefix_prefill_fraction {report.PrefixPrefillFraction:F3}, prefix_speedup {report.PrefixSpeedup:F2}, " +
            $"compute_fraction {report.Models[^1].Roofline.ComputeFraction:F2}, bandwidth_fraction {report.Models[^1].Roofline.BandwidthFraction:F2}, " +
            $"kv_bytes_per_token_measured {report.KvBytesPerTokenMeasured:F1}, kv_bytes_per_token_formula {report.KvBytesPerTokenFormula}"));
    }

    private static string MachineRatesText(RooflineFractions r) =>
        $"{r.Machine.MatmulFlopsPerSecond / 1e9:N1} GFLOP/s, copy {r.Machine.CopyBytesPerSecond / 1e9:N1} GB/s ({r.Machine.Dtype}, {r.Machine.Threads} threads)";

    /// <summary>Green when <paramref name="value"/> meets <paramref name="goal"/> (higher is better), else yellow.</summary>
    private static string Verdict(double value, double goal, string text) =>
        $"[{(value >= goal ? "green" : "yellow")}]{Markup.Escape(text)}[/]";
}
