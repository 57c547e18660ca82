using System.CommandLine;
using InternS1.Batch.Cli.EmbeddedModel;

namespace InternS1.Batch.Cli.Commands.Model;

/// <summary><c>interns1 model create-tiny --out DIR [--dense] [--seed N]</c>: writes the tiny
/// random-weight Intern-S1 checkpoint in the real Hugging Face layout.</summary>
public static class CreateTinyCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write (created; existing files are overwritten)", Required = true };
        var dense = new Option<bool>("--dense") { Description = "Intern-S1-mini structure: dense Qwen3 + LayerNorm ViT with biases" };
        var seed = new Option<long>("--seed") { Description = "Seed of the random weights (same seed, same bytes)", DefaultValueFactory = _ => 0 };
        var command = new Command("create-tiny", "Write a tiny random-weight Intern-S1 checkpoint (real layout, real tokenizer) for tests and demos")
        {
            output, dense, seed,
        };
        command.SetAction(async (parse, ct) =>
        {
            var dir = Path.GetFullPath(parse.GetValue(output)!);
            try
            {
                var summary = await EmbeddedModelStore.CreateAsync(dir, parse.GetValue(dense), parse.GetValue(seed), Console.Error.WriteLine, ct);
                Console.WriteLine($"wrote {summary.TensorCount} tensors ({summary.ParameterCount:N0} parameters, {summary.TotalBytes / (1024.0 * 1024):F1} MiB) in {summary.ShardFiles.Count} shards to {dir}");
                return 0;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"interns1 model create-tiny: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
