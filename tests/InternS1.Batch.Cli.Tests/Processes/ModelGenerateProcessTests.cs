using System.Diagnostics;
using System.Text.Json.Nodes;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Cli.Tests.RealModel;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary><c>interns1 model generate</c> as a user runs it, on a tiny Intern-S1 checkpoint: the worker's engine
/// composition (template, media, TorchSharp engine, parser) in one command.</summary>
public class ModelGenerateProcessTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static Task<(int Exit, string Out, string Err)> GenerateAsync(params string[] args) =>
        CliRun.RunAsync(new Dictionary<string, string>(), ["model", "generate", .. args]);

    [Fact]
    public async Task An_image_and_a_video_prompt_runs_through_the_engine_and_prints_the_accounting_as_json()
    {
        var dir = Directory.CreateTempSubdirectory("interns1-generate-").FullName;
        try
        {
            var image = Path.Combine(dir, "square.png");
            var video = Path.Combine(dir, "clip.mp4");
            Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=48x48:rate=1", "-frames:v", "1", image);
            Ffmpeg("-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=8", "-c:v", "libx264", "-pix_fmt", "yuv420p", video);

            var run = await GenerateAsync("--model", model.Directory, "--prompt", "What is shown?", "--image", image, "--video", video,
                "--frames", "2", "--no-thinking", "--max-new-tokens", "4", "--seed", "3", "--dtype", "float32", "--json");

            Assert.True(run.Exit == 0, run.Err);
            var result = JsonNode.Parse(run.Out)!;
            var usage = result["usage"]!;
            Assert.Equal(256, usage["image_tokens"]!.GetValue<int>()); // a square image is one 448 tile
            Assert.Equal(2 * 256, usage["video_tokens"]!.GetValue<int>()); // two frames, one tile each
            Assert.InRange(usage["completion_tokens"]!.GetValue<int>(), 1, 4);
            Assert.Equal(0, usage["reasoning_tokens"]!.GetValue<int>());
            Assert.True(usage["prompt_tokens"]!.GetValue<int>() > 256 + 512, "the prompt holds the image, the frames and the text");
            Assert.Equal(3, result["seed"]!.GetValue<long>());
            Assert.Equal(Path.GetFileName(model.Directory), result["model"]!.GetValue<string>());
            Assert.Contains(result["finish_reason"]!.GetValue<string>(), new[] { "length", "stop" });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_text_and_a_missing_model_folder_is_named()
    {
        string[] args = ["--model", model.Directory, "--prompt", "Name a noble gas.", "--max-new-tokens", "6", "--seed", "11", "--temperature", "0.9"];
        var first = await GenerateAsync(args);
        var second = await GenerateAsync(args);
        Assert.True(first.Exit == 0, first.Err);
        Assert.Contains("--- content ---", first.Out);
        Assert.Contains("seed 11", first.Out);
        Assert.Equal(first.Out.Split("--- finish_reason")[0], second.Out.Split("--- finish_reason")[0]);

        var missing = Path.Combine(Path.GetTempPath(), $"no-such-model-{Guid.NewGuid():N}");
        var refused = await GenerateAsync("--model", missing, "--prompt", "x");
        Assert.Equal(1, refused.Exit);
        Assert.Contains($"Model:Path '{missing}' does not exist", refused.Err);
    }

    private static void Ffmpeg(params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", .. args]) { RedirectStandardError = true })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "ffmpeg failed: " + err);
    }
}
