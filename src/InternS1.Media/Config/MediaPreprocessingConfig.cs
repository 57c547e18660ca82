using System.Text.Json;

namespace InternS1.Media.Config;

/// <summary>
/// Everything media preprocessing reads from a model folder: <c>preprocessor_config.json</c>,
/// <c>video_preprocessor_config.json</c> and <c>image_seq_length</c> (tokens per tile) from
/// <c>processor_config.json</c>, else <c>config.json</c>, else 256. Missing files give the Intern-S1 defaults.
/// </summary>
public sealed record MediaPreprocessingConfig
{
    public ImagePreprocessorConfig Image { get; init; } = new();
    public VideoPreprocessorConfig Video { get; init; } = new();

    /// <summary><c>&lt;IMG_CONTEXT&gt;</c> tokens per 448 tile (<c>image_seq_length</c>, 256 for Intern-S1).</summary>
    public int TokensPerTile { get; init; } = 256;

    /// <summary>Reads the files of <paramref name="modelDir"/> (which must exist).</summary>
    public static MediaPreprocessingConfig Load(string modelDir)
    {
        if (!Directory.Exists(modelDir)) throw new DirectoryNotFoundException($"model folder {modelDir} does not exist");
        var tokens = ReadSeqLength(Path.Combine(modelDir, "processor_config.json"))
                     ?? ReadSeqLength(Path.Combine(modelDir, "config.json"))
                     ?? 256;
        if (tokens < 1) throw new InvalidDataException($"{modelDir}: \"image_seq_length\" ({tokens}) must be >= 1");
        return new MediaPreprocessingConfig
        {
            Image = ImagePreprocessorConfig.Load(modelDir),
            Video = VideoPreprocessorConfig.Load(modelDir),
            TokensPerTile = tokens,
        };
    }

    private static int? ReadSeqLength(string path)
    {
        using var doc = JsonConfigReader.TryOpen(path);
        return doc is null ? null : JsonConfigReader.NullableInt(doc.RootElement, "image_seq_length", path);
    }
}
