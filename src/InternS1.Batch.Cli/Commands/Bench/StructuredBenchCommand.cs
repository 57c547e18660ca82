using System.CommandLine;
using System.Text.Json;
using InternS1.Batch.Benchmarks.Structured;
using InternS1.Batch.Cli.EmbeddedModel;
using InternS1.Engine.Torch.Running;
using Spectre.Console;

namespace InternS1.Batch.Cli.Commands.Bench;

/// <summary>
/// <c>interns1 bench structured [--quick] [--json FILE] [--dtype auto] [--threads N] [--sequences N] [--output-tokens N]</c>:
/// decode tokens/s with every sequence constrained by an annotation schema vs unconstrained (same run, goal >= 0.8x),
/// the share of steps whose mask time exceeds 10% of the step, and grammar compile times; with the CPU features and
/// the dtype.
/// </summary>
public static class StructuredBenchCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as one JSON object to this file" };
        var quick = new Option<bool>("--quick") { Description = "16 sequences x 24 tokens, one repetition (a minute or two)" };
        var dtype = new Option<string>("--dtype") { Description = "Compute dtype: auto (as the worker resolves it), float32 or bfloat16", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads, 0 = all processors (the default, as the worker)", DefaultValueFactory = _ => 0 };
        var sequences = new Option<int?>("--sequences") { Description = "Sequences decoded together (default 64)" };
        var outputTokens = new Option<int?>("--output-tokens") { Description = "Output tokens per sequence (default 96)" };
        var command = new Command("structured", "Benchmark constrained decoding (JSON schema) against unconstrained decoding on the real runner")
            { json, quick, dtype, threads, sequences, outputTokens };
        command.Validators.Add(r =>
        {
            if (r.GetValue(sequences) is < 1) r.AddError("--sequences must be at least 1");
            if (r.GetValue(outputTokens) is < 2) r.AddError("--output-tokens must be at least 2");
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var preset = parse.GetValue(quick) ? StructuredBenchmarkOptions.Quick : new StructuredBenchmarkOptions();
            var options = preset with
            {
                Dtype = ComputeDtypes.ParseSetting(parse.GetValue(dtype)!), Threads = parse.GetValue(threads) is > 0 and var t ? t : null,
                Sequences = parse.GetValue(sequences) ?? preset.Sequences, OutputTokens = parse.GetValue(outputTokens) ?? preset.OutputTokens,
                CheckpointCacheDirectory = Path.Combine(Qwen3TokenizerSource.CacheRoot(), "bench-checkpoints"),
            };
            var watch = System.Diagnostics.Stopwatch.StartNew();
            void Progress(string line) => Console.Error.WriteLine($"[{watch.Elapsed.TotalSeconds,5:F0} s] {line}");
            var tokenizer = await BatchingBenchCommand.LoadTokenizerAsync(Progress, cancellationToken);
            var report = StructuredBenchmark.Run(options, tokenizer, Progress);
            Print(report);
            if (parse.GetValue(json) is { } file)
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(report, Json) + "\n", cancellationToken);
            return 0;
        });
        return command;
    }

    private static void Print(StructuredBenchmarkReport r)
    {
        AnsiConsole.MarkupLine(Markup.Escape($"CPU features: {(r.CpuFeatures.Count == 0 ? "(none of avx2, avx512_bf16, amx_bf16)" : string.Join(" ", r.CpuFeatures))}; " +
                                             $"dtype {r.Dtype}; {r.Threads} torch threads; tiny model, {r.Parameters / 1e6:N1} M parameters"));
        var decode = new Table().Title("decode, same prompts, seeds and lengths").AddColumn("run").AddColumn("sequences").AddColumn("decode tokens/s")
            .AddColumn("mean step").AddColumn("mask time per step (median / p99)").AddColumn("steps with mask > 10% of step");
        foreach (var run in new[] { r.Unconstrained, r.Constrained })
            decode.AddRow(run.Mode, run.Sequences.ToString(), $"{run.DecodeTokensPerSecond:N1}", $"{run.MeanStepMilliseconds:F1} ms",
                run.MaskedSteps == 0 ? "-" : $"{run.MaskMillisecondsMedian:F2} / {run.MaskMillisecondsP99:F2} ms",
                run.MaskedSteps == 0 ? "-" : $"{run.SlowMaskSteps} of {run.MaskedSteps} ({(double)run.SlowMaskSteps / run.MaskedSteps:P0})");
        AnsiConsole.Write(decode);
        var compile = new Table().Title(Markup.Escape($"grammar compile (masks precomputed); vocabulary and token trie {r.VocabularySeconds:F2} s once"))
            .AddColumn("schema").AddColumn("cold").AddColumn("cached").AddColumn("nodes").AddColumn("lexemes");
        foreach (var c in r.Compile)
            compile.AddRow(Markup.Escape(c.Schema), $"{c.ColdSeconds:F2} s", $"{c.CachedSeconds * 1000:F2} ms", c.Nodes.ToString(), c.Lexemes.ToString());
        AnsiConsole.Write(compile);
        var verdict = r.ConstrainedVsUnconstrained >= r.Goal ? "green" : "yellow";
        AnsiConsole.MarkupLine($"headline: constrained_vs_unconstrained [{verdict}]{r.ConstrainedVsUnconstrained:F2}[/] (goal >= {r.Goal:F1}), " +
                               $"slow_mask_step_share {r.SlowMaskStepShare:P1}, values completed {r.Constrained.ValuesCompleted} of {r.Constrained.Sequences}");
    }
}
