using System.Security.Cryptography;
using System.Text;
using InternS1.Media.Config;

namespace InternS1.Media.Images;

/// <summary>
/// Intern-S1 image preprocessing (GotOcr2 <c>crop_image_to_patches</c> + rescale/normalise):
/// 1. decode (EXIF orientation, RGB); 2. choose the grid (<see cref="DynamicTiling"/>); 3. resize the whole image
/// bicubically to (tile*cols) x (tile*rows) and cut tiles row-major; 4. when more than one tile, append the
/// thumbnail (whole image resized to tile x tile); 5. normalise into CHW float32. Thread-safe.
/// </summary>
public sealed class ImagePreprocessor
{
    private readonly ImagePreprocessorConfig _config;
    private readonly int _tokensPerTile;
    private readonly PixelNormalizer _normalizer;
    private readonly byte[] _settingsKey;

    public ImagePreprocessor(ImagePreprocessorConfig config, int tokensPerTile = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokensPerTile, 1);
        _config = config;
        _tokensPerTile = tokensPerTile;
        _normalizer = new PixelNormalizer(config.DoRescale, config.RescaleFactor, config.DoNormalize, config.ImageMean, config.ImageStd);
        _settingsKey = Encoding.UTF8.GetBytes(
            $"interns1-image-v1|tile={config.TileSize}|rescale={config.DoRescale}:{config.RescaleFactor:R}|normalize={config.DoNormalize}" +
            $"|mean={string.Join(',', config.ImageMean.Select(v => v.ToString("R")))}|std={string.Join(',', config.ImageStd.Select(v => v.ToString("R")))}");
    }

    /// <summary>The settings in use.</summary>
    public ImagePreprocessorConfig Config => _config;

    /// <summary>The tiles <see cref="Process(RgbImage)"/> makes of a <paramref name="width"/> x <paramref name="height"/>
    /// image (the grid's, plus the thumbnail when the grid has more than one), without touching pixels.</summary>
    public int CountTiles(int width, int height) => Plan(width, height).NumTiles;

    /// <summary>The <c>&lt;IMG_CONTEXT&gt;</c> tokens an image of this size fills (tiles x tokens per tile).</summary>
    public int CountContextTokens(int width, int height) => Plan(width, height).ContextTokens;

    /// <summary>The grid, tiles, tokens and memory of an image of <paramref name="width"/> x <paramref name="height"/>
    /// (after EXIF orientation), without decoding it. The tokens are exact; the bytes are what
    /// <see cref="Process(RgbImage)"/> and the decoder allocate for it.</summary>
    public ImagePlan Plan(int width, int height)
    {
        var tile = _config.TileSize;
        var grid = DynamicTiling.ChooseGrid(width, height, _config.MinTiles, _config.MaxTiles, tile);
        var numTiles = grid.Count + (HasThumbnail(grid) ? 1 : 0);
        long pixels = (long)width * height;
        long canvasWidth = (long)tile * grid.Columns, canvasHeight = (long)tile * grid.Rows;
        // Codec RGBA + RGB; the resampler's horizontal pass keeps height x output width x 3 floats (canvas, then the
        // thumbnail); the canvas and thumbnail bytes.
        var transient = pixels * 4 + pixels * 3
                        + height * (canvasWidth + tile) * 3 * sizeof(float)
                        + canvasWidth * canvasHeight * 3 + (long)tile * tile * 3;
        return new ImagePlan
        {
            Width = width,
            Height = height,
            Grid = grid,
            NumTiles = numTiles,
            ContextTokens = numTiles * _tokensPerTile,
            TransientBytes = transient,
            TileBytes = (long)numTiles * 3 * tile * tile * sizeof(float),
        };
    }

    /// <summary>Decodes and preprocesses encoded image bytes; throws <see cref="MediaException"/>.</summary>
    public ProcessedImage Process(ReadOnlySpan<byte> encoded, long maxPixels) => Process(ImageDecoder.Decode(encoded, maxPixels));

    /// <summary>Preprocesses a decoded image.</summary>
    public ProcessedImage Process(RgbImage image)
    {
        var tile = _config.TileSize;
        var grid = DynamicTiling.ChooseGrid(image.Width, image.Height, _config.MinTiles, _config.MaxTiles, tile);
        var canvas = BicubicResampler.Resize(image, tile * grid.Columns, tile * grid.Rows);
        var thumbnail = HasThumbnail(grid) ? BicubicResampler.Resize(image, tile, tile) : null;
        var numTiles = grid.Count + (thumbnail is null ? 0 : 1);

        var tileLen = 3 * tile * tile;
        var pixels = new float[numTiles * tileLen];
        for (var i = 0; i < grid.Count; i++)
        {
            var column = i % grid.Columns;
            var row = i / grid.Columns;
            _normalizer.WriteTile(canvas, column * tile, row * tile, tile, pixels.AsSpan(i * tileLen, tileLen));
        }
        if (thumbnail is not null)
            _normalizer.WriteTile(thumbnail, 0, 0, tile, pixels.AsSpan(grid.Count * tileLen, tileLen));

        return new ProcessedImage
        {
            Width = image.Width,
            Height = image.Height,
            Grid = grid,
            HasThumbnail = thumbnail is not null,
            TileSize = tile,
            TokensPerTile = _tokensPerTile,
            PixelValues = pixels,
            ContentHash = Hash(grid, canvas, thumbnail),
        };
    }

    private static bool HasThumbnail(TileGrid grid) => grid.Count > 1;

    private string Hash(TileGrid grid, RgbImage canvas, RgbImage? thumbnail)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(_settingsKey);
        sha.AppendData(Encoding.UTF8.GetBytes($"|grid={grid.Columns}x{grid.Rows}|thumb={thumbnail is not null}|"));
        sha.AppendData(canvas.Pixels);
        if (thumbnail is not null) sha.AppendData(thumbnail.Pixels);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
