namespace InternS1.Media.Images;

/// <summary>
/// What preprocessing an image of a given size will produce and how much memory it needs, known from the header alone
/// (<see cref="ImagePreprocessor.Plan"/>), before any pixel is decoded.
/// </summary>
public sealed record ImagePlan
{
    /// <summary>Width after EXIF orientation.</summary>
    public required int Width { get; init; }

    /// <summary>Height after EXIF orientation.</summary>
    public required int Height { get; init; }

    /// <summary>The grid <see cref="DynamicTiling.ChooseGrid"/> picks for this size.</summary>
    public required TileGrid Grid { get; init; }

    /// <summary>Grid tiles + the thumbnail (when the grid has more than one tile).</summary>
    public required int NumTiles { get; init; }

    /// <summary><c>&lt;IMG_CONTEXT&gt;</c> tokens the image will fill: <see cref="NumTiles"/> x tokens per tile (exact).</summary>
    public required int ContextTokens { get; init; }

    /// <summary>Bytes needed only while decoding: the codec's RGBA, the RGB copy, the resampler's float rows and the
    /// resized canvas and thumbnail.</summary>
    public required long TransientBytes { get; init; }

    /// <summary>Bytes of the float32 tiles the image keeps until its job ends.</summary>
    public required long TileBytes { get; init; }
}
