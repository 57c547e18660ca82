using System.CommandLine;
using System.Text.Json;
using InternS1.Batch.Benchmarks.Engine;
using InternS1.Engine.Torch.Running;
using Spectre.Console;

namespace InternS1.Batch.Cli.Commands.Bench;

/// <summary>
/// <c>interns1 bench engine [--json FILE] [--dtype bfloat16] [--no-large] ...</c>: prefill and decode
/// tokens/s and peak memory on the tiny model and a larger random MoE, plus the grouped MoE block
/// against the naive per-token loop (ratio), all measured in this run.
/// </summary>
public static class EngineBenchCommand
{
    public static Command Create()
    {
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this file" };
        var dtype = new Option<string>("--dtype") { Description = "Compute dtype: auto (as the worker resolves it), float32 or bfloat16", DefaultValueFactory = _ => "auto" };
        var defaultHeap = new Option<bool>("--default-heap") { Description = "Keep glibc's default heap settings (by default: Model:KeepFreedMemory's, as the worker)" };
        var threads = new Option<int?>("--threads") { Description = "Torch CPU threads (default: all processors)" };
        var batch = new Option<int>("--batch") { Description = "Sequences per step", DefaultValueFactory = _ => 8 };
        var prompt = new Option<int>("--prompt-length") { Description = "Prompt tokens per sequence", DefaultValueFactory = _ => 128 };
        var steps = new Option<int>("--decode-steps") { Description = "Decode steps", DefaultValueFactory = _ => 16 };
        var noLarge = new Option<bool>("--no-large") { Description = "Skip the larger random MoE model" };
        var repeats = new Option<int>("--repeats") { Description = "Repetitions per measurement (the fastest is reported)", DefaultValueFactory = _ => 3 };
        var command = new Command("engine", "Benchmark the TorchSharp engine: prefill/decode tokens/s, peak memory, grouped vs naive MoE")
            { json, dtype, threads, batch, prompt, steps, noLarge, repeats, defaultHeap };
        command.SetAction(parse =>
        {
            var options = new EngineBenchmarkOptions
            {
                Dtype = ComputeDtypes.ParseSetting(parse.GetValue(dtype)!), KeepFreedMemory = !parse.GetValue(defaultHeap), Threads = parse.GetValue(threads), Batch = parse.GetValue(batch),
                PromptLength = parse.GetValue(prompt), DecodeSteps = parse.GetValue(steps), IncludeLarge = !parse.GetValue(noLarge), Repeats = parse.GetValue(repeats),
            };
            var results = EngineBenchmark.Run(options, m => Console.Error.WriteLine(m));
            Print(results);
            if (parse.GetValue(json) is { } file)
                File.WriteAllText(file.FullName, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }) + "\n");
            return 0;
        });
        return command;
    }

    /// <summary>One row per measure, one column per model (fits a terminal).</summary>
    private static void Print(IReadOnlyList<EngineBenchmarkResult> results)
    {
        static string MiB(long? bytes) => bytes is { } b ? $"{b / 1048576.0:N0} MiB" : "n/a";
        var table = new Table().AddColumn("measure");
        foreach (var r in results) table.AddColumn(r.Model);
        void Row(string measure, Func<EngineBenchmarkResult, string> value) =>
            table.AddRow([measure, .. results.Select(value)]);
        Row("parameters", r => $"{r.Parameters / 1e6:N1} M");
        Row("CPU", r => r.Cpu);
        Row("dtype / threads", r => $"{r.Dtype} / {r.Threads}");
        Row("dtype reason", r => r.DtypeReason);
        Row("heap", r => r.Heap);
        Row("times", r => $"fastest of {r.Repeats} runs");
        Row("load", r => $"{r.LoadSeconds:F1} s");
        Row("prefill tokens/s", r => $"{r.PrefillTokensPerSecond:N0} ({r.DecodeBatch} x {r.PrefillTokens / r.DecodeBatch} in one step)");
        Row("decode tokens/s", r => $"{r.DecodeTokensPerSecond:N1} (batch {r.DecodeBatch}, {r.DecodeSteps} steps)");
        Row("decode, 1 sequence", r => $"{r.Roofline.SingleTokensPerSecond:N1} tokens/s");
        Row($"decode, {results[0].Roofline.BatchedSequences:F0} sequences", r => $"{r.Roofline.BatchedTokensPerSecond:N1} tokens/s");
        Row("matmul / copy rate", r => $"{r.Roofline.Machine.MatmulFlopsPerSecond / 1e9:N1} GFLOP/s / {r.Roofline.Machine.CopyBytesPerSecond / 1e9:N1} GB/s");
        Row("compute fraction (goal 0.6)", r => $"{r.Roofline.ComputeFraction:F2} ({r.Roofline.BatchedFlopsPerSecond / 1e9:N1} GFLOP/s, {r.Roofline.Cost.FlopsPerToken / 1e6:N0} MFLOP/token)");
        Row("bandwidth fraction (goal 0.6)", r => $"{r.Roofline.BandwidthFraction:F2} ({r.Roofline.SingleBytesPerSecond / 1e9:N1} GB/s, {r.Roofline.Cost.WeightBytesPerToken / 1048576.0:N0} MiB/token)");
        Row("weights", r => MiB(r.WeightBytes));
        Row("KV cache", r => MiB(r.KvCacheBytes));
        Row("peak RSS (load+run)", r => MiB(r.PeakResidentBytes));
        Row("MoE grouped", r => r.Moe is { } m ? $"{m.GroupedMilliseconds:F1} ms ({m.Tokens} tokens)" : "-");
        Row("MoE naive per-token", r => r.Moe is { } m ? $"{m.NaiveMilliseconds:F1} ms" : "-");
        Row("naive / grouped", r => r.Moe is { } m ? $"{m.Speedup:F1}x (max diff {m.MaxAbsDifference:G2})" : "-");
        AnsiConsole.Write(table);
    }
}
