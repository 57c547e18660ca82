using System.CommandLine;
using System.Text.Json;
using InternS1.Batch.Cli.ModelRuntime;
using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Cli.Commands.Model;

/// <summary>
/// <c>interns1 model generate</c>: the model card's demo as one command — one user turn (text, plus
/// optional images and videos) through the same preparation, engine and parsing as the worker.
/// </summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Model folder (default: the embedded tiny model, created on first use)" };
        var prompt = new Option<string>("--prompt") { Description = "The user message", Required = true };
        var images = new Option<string[]>("--image") { Description = "Image file (repeatable); shown to the model before the text", AllowMultipleArgumentsPerToken = false };
        var videos = new Option<string[]>("--video") { Description = "Video file (repeatable)" };
        var frames = new Option<int?>("--frames") { Description = "Frames sampled per video (default 32)" };
        var noThinking = new Option<bool>("--no-thinking") { Description = "Switch thinking mode off (enable_thinking=false)" };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Most tokens to generate", DefaultValueFactory = _ => 256 };
        var seed = new Option<long?>("--seed") { Description = "Sampling seed (same seed, same output)" };
        var temperature = new Option<double?>("--temperature") { Description = "Sampling temperature (0 = greedy; default: the model's recommended)" };
        var dtype = new Option<string>("--dtype") { Description = "auto (bfloat16 on CUDA and on CPUs with native bfloat16, else float32), bfloat16 or float32", DefaultValueFactory = _ => "auto" };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object" };
        var command = new Command("generate", "Generate a reply to one prompt (optionally with images/videos) on a model folder")
        {
            model, prompt, images, videos, frames, noThinking, maxNew, seed, temperature, dtype, json,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(frames) is < 1) result.AddError("--frames must be at least 1");
        });
        command.SetAction(async (parse, ct) =>
        {
            var parts = new List<ContentPart>();
            foreach (var image in parse.GetValue(images) ?? [])
                parts.Add(new ContentPart { Type = ContentPart.ImageType, Path = Path.GetFullPath(image) });
            foreach (var video in parse.GetValue(videos) ?? [])
                parts.Add(new ContentPart { Type = ContentPart.VideoType, Path = Path.GetFullPath(video), NumFrames = parse.GetValue(frames) });
            parts.Add(new ContentPart { Type = ContentPart.TextType, Text = parse.GetValue(prompt) });
            var job = new SubmitPromptJob
            {
                JobId = $"cli-{Guid.NewGuid():N}",
                Dataset = "cli",
                CustomId = "generate",
                Messages = [new ChatMessage { Role = "user", Content = parts.Count == 1 ? parts[0].Text! : MessageContent.FromParts(parts) }],
                EnableThinking = !parse.GetValue(noThinking),
                Sampling = new SamplingSettings
                {
                    MaxNewTokens = parse.GetValue(maxNew),
                    Seed = parse.GetValue(seed),
                    Temperature = parse.GetValue(temperature),
                },
            };

            // The worker's own engine composition (AddInternS1Engine) in a small host: same preparation,
            // engine and parsing; only the model options and a small KV budget come from the command line.
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Engine:MaxNumSeqs"] = "4",
                ["Engine:KvCacheMemoryFraction"] = "0.1",
                // NOTE: the command reads the user's own files, so every local path is allowed here;
                // the worker confines paths to Media:MediaRoot.
                ["Media:MediaRoot"] = "/",
            });
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
            var modelOptions = new ModelOptions { Path = parse.GetValue(model), Dtype = parse.GetValue(dtype)! };
            builder.Services.AddInternS1Engine(builder.Configuration, sp => new TorchModelRunnerFactory(
                modelOptions, sp.GetRequiredService<ILoggerFactory>(), m => Console.Error.WriteLine($"[interns1] {m}")));
            using var host = builder.Build();
            try
            {
                await host.StartAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Console.Error.WriteLine($"interns1 model generate: {e.Message}");
                return 1;
            }

            try
            {
                var outcome = await host.Services.GetRequiredService<IPromptJobExecutor>().ExecuteAsync(job, ct);
                switch (outcome)
                {
                    case JobOutcome.Rejected rejected:
                        Console.Error.WriteLine($"interns1 model generate: {rejected.ReasonCode}: {rejected.Message}");
                        return 2;
                    case JobOutcome.Completed { Completion: var c } when parse.GetValue(json):
                        Console.WriteLine(JsonSerializer.Serialize(c, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                        return 0;
                    case JobOutcome.Completed { Completion: var c }:
                        if (c.ReasoningContent is { } reasoning)
                            Console.WriteLine($"--- reasoning ---\n{reasoning}");
                        Console.WriteLine($"--- content ---\n{c.Content}");
                        foreach (var call in c.ToolCalls)
                            Console.WriteLine($"--- tool call {call.Id} ---\n{call.Function.Name}({call.Function.Arguments})");
                        var u = c.Usage;
                        Console.WriteLine($"--- finish_reason: {c.FinishReason}; prompt {u.PromptTokens} (image {u.ImageTokens}, video {u.VideoTokens}, cached {u.CachedTokens}), " +
                                          $"completion {u.CompletionTokens} (reasoning {u.ReasoningTokens}); seed {c.Seed}; " +
                                          $"prefill {c.PrefillTime.TotalMilliseconds:F0} ms, decode {c.DecodeTime.TotalMilliseconds:F0} ms; model {c.Model}");
                        return 0;
                    default:
                        throw new InvalidOperationException($"unknown outcome {outcome}");
                }
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        });
        return command;
    }
}
