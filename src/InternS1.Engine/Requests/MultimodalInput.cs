namespace InternS1.Engine.Requests;

/// <summary>Whether placeholder tokens belong to an image or to a video frame (token accounting).</summary>
public enum MediaKind
{
    Image,
    Video,
}

/// <summary>
/// One contiguous run of image-context placeholder tokens in a prompt and the pixels that fill it:
/// an image (all its tiles, thumbnail last) or one video frame. The runner encodes the tiles with
/// the vision tower and writes the projector rows over the placeholder embeddings, in order.
/// Tensor-free: pixels are a flat float32 buffer of shape [NumTiles, 3, TileSize, TileSize],
/// already normalised.
/// </summary>
public sealed record MultimodalInput
{
    public required MediaKind Kind { get; init; }

    /// <summary>Hash of the content (pixels and preprocessing), used for prefix-cache block hashes
    /// and the encoder cache. Equal content must give equal hashes.</summary>
    public required string ContentHash { get; init; }

    /// <summary>Prompt position of the first placeholder token of this run.</summary>
    public required int Offset { get; init; }

    /// <summary>Number of placeholder tokens (NumTiles x tokens per tile).</summary>
    public required int Length { get; init; }

    public required int NumTiles { get; init; }

    public int TileSize { get; init; } = 448;

    /// <summary>[NumTiles, 3, TileSize, TileSize] float32, normalised.</summary>
    public required ReadOnlyMemory<float> PixelValues { get; init; }

    /// <summary>True if prompt position <paramref name="start"/>..<paramref name="start"/>+<paramref name="count"/> overlaps this run.</summary>
    public bool Overlaps(int start, int count) => start < Offset + Length && Offset < start + count;
}
