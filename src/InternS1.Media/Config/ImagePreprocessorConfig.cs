using System.Text.Json;

namespace InternS1.Media.Config;

/// <summary>
/// Image settings of <c>preprocessor_config.json</c> (<c>GotOcr2ImageProcessor(Fast)</c>). Defaults are the
/// Intern-S1(-mini) values: 448 tiles, bicubic, rescale 1/255, ImageNet mean/std, 1..12 tiles.
/// NOTE: tiling is always on: <c>InternS1Processor</c> passes <c>crop_to_patches=True</c>, which overrides the JSON's
/// <c>crop_to_patches: false</c>; a thumbnail tile is always appended when there is more than one tile.
/// </summary>
public sealed record ImagePreprocessorConfig
{
    public const string FileName = "preprocessor_config.json";

    public static readonly double[] ImageNetMean = [0.485, 0.456, 0.406];
    public static readonly double[] ImageNetStd = [0.229, 0.224, 0.225];

    /// <summary>Tile edge in pixels (<c>size.height</c> = <c>size.width</c>).</summary>
    public int TileSize { get; init; } = 448;

    /// <summary>Fewest tiles of the grid (<c>min_patches</c>, thumbnail excluded).</summary>
    public int MinTiles { get; init; } = 1;

    /// <summary>Most tiles of the grid (<c>max_patches</c>, thumbnail excluded).</summary>
    public int MaxTiles { get; init; } = 12;

    public bool DoRescale { get; init; } = true;
    public double RescaleFactor { get; init; } = 1.0 / 255.0;
    public bool DoNormalize { get; init; } = true;
    public IReadOnlyList<double> ImageMean { get; init; } = ImageNetMean;
    public IReadOnlyList<double> ImageStd { get; init; } = ImageNetStd;

    /// <summary>Reads <paramref name="modelDir"/>/preprocessor_config.json; defaults when the file is absent.</summary>
    public static ImagePreprocessorConfig Load(string modelDir)
    {
        var path = Path.Combine(modelDir, FileName);
        using var doc = JsonConfigReader.TryOpen(path);
        return doc is null ? new ImagePreprocessorConfig() : Parse(doc.RootElement, path);
    }

    internal static ImagePreprocessorConfig Parse(JsonElement root, string file)
    {
        var config = new ImagePreprocessorConfig
        {
            TileSize = JsonConfigReader.SquareSize(root, "size", 448, file),
            MinTiles = JsonConfigReader.Int(root, "min_patches", 1, file),
            MaxTiles = JsonConfigReader.Int(root, "max_patches", 12, file),
            DoRescale = JsonConfigReader.Bool(root, "do_rescale", true, file),
            RescaleFactor = JsonConfigReader.Double(root, "rescale_factor", 1.0 / 255.0, file),
            DoNormalize = JsonConfigReader.Bool(root, "do_normalize", true, file),
            ImageMean = JsonConfigReader.Triple(root, "image_mean", ImageNetMean, file),
            ImageStd = JsonConfigReader.Triple(root, "image_std", ImageNetStd, file),
        };
        ResampleCheck.RequireBicubic(root, file);
        if (config.MinTiles < 1) throw new InvalidDataException($"{file}: \"min_patches\" ({config.MinTiles}) must be >= 1");
        if (config.MaxTiles < config.MinTiles) throw new InvalidDataException($"{file}: \"max_patches\" ({config.MaxTiles}) must be >= \"min_patches\" ({config.MinTiles})");
        if (config.ImageStd.Any(s => s == 0)) throw new InvalidDataException($"{file}: \"image_std\" must not contain 0");
        return config;
    }
}
