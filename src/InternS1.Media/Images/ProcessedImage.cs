namespace InternS1.Media.Images;

/// <summary>
/// One image after preprocessing: the tiles of <see cref="Grid"/> row-major, then the thumbnail when the grid has
/// more than one tile, as one flat float32 buffer of shape [<see cref="NumTiles"/>, 3, <see cref="TileSize"/>,
/// <see cref="TileSize"/>], normalised.
/// </summary>
public sealed record ProcessedImage
{
    /// <summary>Width of the decoded image after EXIF orientation.</summary>
    public required int Width { get; init; }

    /// <summary>Height of the decoded image after EXIF orientation.</summary>
    public required int Height { get; init; }

    /// <summary>The chosen grid (columns x rows); the image was resized to (tile*columns) x (tile*rows).</summary>
    public required TileGrid Grid { get; init; }

    /// <summary>True when a thumbnail tile (whole image at tile size) was appended last.</summary>
    public required bool HasThumbnail { get; init; }

    /// <summary>Grid tiles + thumbnail.</summary>
    public int NumTiles => Grid.Count + (HasThumbnail ? 1 : 0);

    public required int TileSize { get; init; }

    /// <summary><c>&lt;IMG_CONTEXT&gt;</c> tokens per tile (<c>image_seq_length</c>).</summary>
    public required int TokensPerTile { get; init; }

    /// <summary>Placeholder tokens this image fills: <see cref="NumTiles"/> x <see cref="TokensPerTile"/>.</summary>
    public int ContextTokens => NumTiles * TokensPerTile;

    /// <summary>[NumTiles, 3, TileSize, TileSize] float32.</summary>
    public required float[] PixelValues { get; init; }

    /// <summary>Lower-case hex SHA-256 of the 8-bit tiles and the normalisation settings: equal pixels give equal hashes.</summary>
    public required string ContentHash { get; init; }
}
