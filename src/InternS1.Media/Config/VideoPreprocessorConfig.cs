using System.Text.Json;

namespace InternS1.Media.Config;

/// <summary>
/// Settings of <c>video_preprocessor_config.json</c> (<c>InternS1VideoProcessor</c>): every frame is resized to one
/// <see cref="FrameSize"/> square tile (no tiling, no thumbnail) and normalised like images. The sampling rule uses
/// <see cref="InitialShift"/> (see <see cref="Video.VideoFrameSampler"/>). <c>num_frames</c> from the file, when
/// set, replaces the worker default.
/// </summary>
public sealed record VideoPreprocessorConfig
{
    public const string FileName = "video_preprocessor_config.json";

    public int FrameSize { get; init; } = 448;
    public bool DoRescale { get; init; } = true;
    public double RescaleFactor { get; init; } = 1.0 / 255.0;
    public bool DoNormalize { get; init; } = true;
    public IReadOnlyList<double> ImageMean { get; init; } = ImagePreprocessorConfig.ImageNetMean;
    public IReadOnlyList<double> ImageStd { get; init; } = ImagePreprocessorConfig.ImageNetStd;

    /// <summary><c>initial_shift</c>: true = half a sampling step (HF default), false = 0, a number = that many frames.</summary>
    public double? InitialShiftFrames { get; init; }

    /// <summary>True when <c>initial_shift</c> is <c>true</c> (the default).</summary>
    public bool InitialShift { get; init; } = true;

    /// <summary><c>num_frames</c> of the file (null in Intern-S1-mini's file).</summary>
    public int? NumFrames { get; init; }

    /// <summary>Reads <paramref name="modelDir"/>/video_preprocessor_config.json; defaults when the file is absent.</summary>
    public static VideoPreprocessorConfig Load(string modelDir)
    {
        var path = Path.Combine(modelDir, FileName);
        using var doc = JsonConfigReader.TryOpen(path);
        return doc is null ? new VideoPreprocessorConfig() : Parse(doc.RootElement, path);
    }

    internal static VideoPreprocessorConfig Parse(JsonElement root, string file)
    {
        bool shift = true;
        double? shiftFrames = null;
        if (JsonConfigReader.TryGet(root, "initial_shift", out var s))
        {
            if (s.ValueKind is JsonValueKind.True or JsonValueKind.False) shift = s.GetBoolean();
            else if (s.ValueKind == JsonValueKind.Number) { shift = false; shiftFrames = s.GetDouble(); }
            else throw new InvalidDataException($"{file}: \"initial_shift\" must be true, false or a number, got {s.GetRawText()}");
        }
        var config = new VideoPreprocessorConfig
        {
            FrameSize = JsonConfigReader.SquareSize(root, "size", 448, file),
            DoRescale = JsonConfigReader.Bool(root, "do_rescale", true, file),
            RescaleFactor = JsonConfigReader.Double(root, "rescale_factor", 1.0 / 255.0, file),
            DoNormalize = JsonConfigReader.Bool(root, "do_normalize", true, file),
            ImageMean = JsonConfigReader.Triple(root, "image_mean", ImagePreprocessorConfig.ImageNetMean, file),
            ImageStd = JsonConfigReader.Triple(root, "image_std", ImagePreprocessorConfig.ImageNetStd, file),
            InitialShift = shift,
            InitialShiftFrames = shiftFrames,
            NumFrames = JsonConfigReader.NullableInt(root, "num_frames", file),
        };
        ResampleCheck.RequireBicubic(root, file);
        if (config.NumFrames is < 1) throw new InvalidDataException($"{file}: \"num_frames\" ({config.NumFrames}) must be >= 1 or null");
        if (config.ImageStd.Any(v => v == 0)) throw new InvalidDataException($"{file}: \"image_std\" must not contain 0");
        return config;
    }
}
