using InternS1.Engine.Torch.Checkpoints;
using InternS1.Text.Assets;

namespace InternS1.Batch.Cli.EmbeddedModel;

/// <summary>
/// The embedded default model: a tiny random-weight Intern-S1 checkpoint in the exact Hugging Face
/// layout (config.json, generation_config.json, sharded safetensors + index, the real Qwen3
/// vocabulary with Intern-S1's added tokens, chat_template.jinja, the three SentencePiece models),
/// created on first use in the cache folder. Its output text is noise; every code path runs on it.
/// Real users set <c>Model:Path</c> to a downloaded internlm/Intern-S1, -FP8 or -mini folder.
/// </summary>
public static class EmbeddedModelStore
{
    /// <summary>Bumped whenever the tiny layout changes, so old caches are rebuilt.</summary>
    public const string Version = "tiny-v1";

    private const string CompleteMarker = ".interns1-complete";

    /// <summary>Where the embedded default lives: CACHE/models/intern-s1-tiny-v1.</summary>
    public static string DefaultDirectory => Path.Combine(Qwen3TokenizerSource.CacheRoot(), "models", $"intern-s1-{Version}");

    /// <summary>Returns the embedded default model folder, creating it first if needed.</summary>
    public static async Task<string> EnsureAsync(Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var dir = DefaultDirectory;
        if (File.Exists(Path.Combine(dir, CompleteMarker))) return dir;

        progress?.Invoke($"creating the embedded default model in {dir}");
        var staging = $"{dir}.part-{Environment.ProcessId}";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        await CreateAsync(staging, dense: false, seed: 0, progress, cancellationToken);
        File.WriteAllText(Path.Combine(staging, CompleteMarker), Version);
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); // an incomplete earlier attempt
            Directory.Move(staging, dir);
        }
        catch (IOException) when (File.Exists(Path.Combine(dir, CompleteMarker)))
        {
            // Another process finished first: use its copy.
            Directory.Delete(staging, recursive: true);
        }
        return dir;
    }

    /// <summary>Writes a tiny checkpoint (weights, configs and tokenizer files) into <paramref name="outputDirectory"/>.</summary>
    public static Task<TinyCheckpointSummary> CreateAsync(string outputDirectory, bool dense, long seed,
        Action<string>? progress = null, CancellationToken cancellationToken = default) =>
        CreateAsync(outputDirectory, new TinyCheckpointOptions { Dense = dense, Seed = seed }, progress, cancellationToken);

    /// <summary>Writes a random checkpoint of any <paramref name="options"/> (e.g. the benchmarks' larger MoE) with the
    /// same configs and tokenizer files into <paramref name="outputDirectory"/>: a complete model folder.</summary>
    public static async Task<TinyCheckpointSummary> CreateAsync(string outputDirectory, TinyCheckpointOptions options,
        Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var tokenizerSource = await Qwen3TokenizerSource.EnsureAsync(progress, cancellationToken);
        Directory.CreateDirectory(outputDirectory);
        TinyTokenizerAssets.Write(tokenizerSource, outputDirectory);
        WriteProcessorConfigs(outputDirectory);
        return TinyCheckpointWriter.Write(outputDirectory, options);
    }

    /// <summary>The processor files of the real folders (values of Intern-S1-mini's, notes §5).</summary>
    private static void WriteProcessorConfigs(string dir)
    {
        File.WriteAllText(Path.Combine(dir, "processor_config.json"),
            """{"image_seq_length": 256, "processor_class": "InternS1Processor"}""" + "\n");
        const string common = """
              "crop_size": null, "data_format": "channels_first", "default_to_square": true, "device": null,
              "do_center_crop": null, "do_convert_rgb": true, "do_normalize": true, "do_rescale": true, "do_resize": true,
              "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225],
              "processor_class": "InternS1Processor", "resample": 3, "rescale_factor": 0.00392156862745098,
              "size": {"height": 448, "width": 448},
            """;
        File.WriteAllText(Path.Combine(dir, "preprocessor_config.json"), "{\n" + common + "\n" +
            """
              "crop_to_patches": false, "image_processor_type": "GotOcr2ImageProcessorFast", "max_patches": 12, "min_patches": 1
            }
            """ + "\n");
        File.WriteAllText(Path.Combine(dir, "video_preprocessor_config.json"), "{\n" + common + "\n" +
            """
              "do_sample_frames": false, "fps": null, "initial_shift": true, "num_frames": null,
              "video_processor_type": "InternS1VideoProcessor"
            }
            """ + "\n");
    }
}
