using System.CommandLine;
using System.Text.Json;
using InternS1.Engine.Execution;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Batch.Cli.ModelRuntime;
using InternS1.Engine.Torch.Running;

namespace InternS1.Batch.Cli.Commands.Model;

/// <summary>
/// <c>interns1 model logits --model DIR [--dtype float32]</c>: reads JSON lines <c>{"ids": [..]}</c>
/// from stdin and writes <c>{"logits": [..]}</c> lines to stdout: the float32 logits of the last
/// position over the full vocabulary (padding rows included), for checks against independent
/// implementations. Each line is an independent sequence computed in one prefill step.
/// </summary>
public static class LogitsCommand
{
    private const int BlockSize = 16;

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (config.json + safetensors)", Required = true };
        var dtype = new Option<string>("--dtype") { Description = "Compute dtype: float32 or bfloat16", DefaultValueFactory = _ => "float32" };
        var threads = new Option<int?>("--threads") { Description = "Torch CPU threads (default: all processors)" };
        var command = new Command("logits", "Last-position logits for JSON lines {\"ids\":[...]} on stdin") { model, dtype, threads };
        command.SetAction(parse => Run(parse.GetValue(model)!, parse.GetValue(dtype)!, parse.GetValue(threads), Console.In, Console.OpenStandardOutput(), Console.Error));
        return command;
    }

    /// <summary>Runs the command over <paramref name="input"/>; returns the exit code.</summary>
    public static int Run(string modelDirectory, string dtypeText, int? threads, TextReader input, Stream output, TextWriter error)
    {
        ComputeDtype dtype;
        try
        {
            dtype = ComputeDtypes.Parse(dtypeText);
        }
        catch (ArgumentException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }
        // NOTE: the same heap settings as the worker (Model:KeepFreedMemory's default).
        ProcessHeap.Apply(keepFreedMemory: true);
        TorchModelRunner runner;
        try
        {
            // NOTE: token ids in, logits out: the vision tower (11 GB for Intern-S1) is not needed.
            runner = TorchModelRunner.Load(modelDirectory, new TorchRunnerOptions { Dtype = dtype, Threads = threads, LoadVision = false });
        }
        catch (Exception e) when (e is ModelConfigException or CheckpointException)
        {
            error.WriteLine(e.Message);
            return 1;
        }
        using var owned = runner;
        var capacity = 0;
        var lineNumber = 0;
        using var writer = new Utf8JsonWriter(output);
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            int[] ids;
            try
            {
                using var doc = JsonDocument.Parse(line);
                ids = doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                error.WriteLine($"stdin line {lineNumber}: expected {{\"ids\": [int, ...]}}: {e.Message}");
                return 1;
            }
            if (ids.Length == 0)
            {
                error.WriteLine($"stdin line {lineNumber}: \"ids\" is empty");
                return 1;
            }
            var blocks = (ids.Length + BlockSize - 1) / BlockSize;
            if (blocks > capacity)
            {
                capacity = Math.Max(blocks, capacity * 2);
                runner.InitializeKvCache(capacity, BlockSize);
            }
            var request = new ScheduledRequest
            {
                RequestId = $"line-{lineNumber}", TokenIds = ids, StartPosition = 0, BlockTable = Enumerable.Range(0, blocks).ToArray(),
                Sample = false, Sampling = new SamplingParams { Temperature = 0 }, OutputIndex = 0, ReturnLogits = true,
            };
            var result = runner.Execute(new SchedulerOutput(lineNumber, [request], [])).Outputs[0];
            if (result.Error is not null)
            {
                error.WriteLine($"stdin line {lineNumber}: {result.Error}");
                return 1;
            }
            writer.WriteStartObject();
            writer.WriteStartArray("logits");
            foreach (var v in result.Logits!) writer.WriteNumberValue(v);
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.Flush();
            output.WriteByte((byte)'\n');
            output.Flush();
            writer.Reset();
        }
        return 0;
    }
}
