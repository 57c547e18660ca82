namespace InternS1.Media.Prompts;

/// <summary>
/// One contiguous run of <c>&lt;IMG_CONTEXT&gt;</c> placeholders in an expanded prompt and the pixels that fill it:
/// an image (all its tiles) or one video frame. Maps 1:1 onto the engine's <c>MultimodalInput</c>, whose token
/// offset the caller finds after tokenizing (<see cref="ExpandedPrompt.LocateRuns"/>).
/// </summary>
public sealed record MediaRun
{
    public required MediaRunKind Kind { get; init; }

    /// <summary>Index of the media part (0-based, in placeholder order) this run belongs to.</summary>
    public required int MediaIndex { get; init; }

    /// <summary>Frame ordinal within the video (0-based); null for images.</summary>
    public int? FrameNumber { get; init; }

    /// <summary>Video frames only: presentation time in seconds.</summary>
    public double? TimestampSeconds { get; init; }

    /// <summary>Character offset of the first <c>&lt;IMG_CONTEXT&gt;</c> of the run in <see cref="ExpandedPrompt.Text"/>.</summary>
    public required int CharOffset { get; init; }

    /// <summary>Characters of the run (ContextTokens x the placeholder's length).</summary>
    public required int CharLength { get; init; }

    /// <summary><c>&lt;IMG_CONTEXT&gt;</c> tokens of the run = NumTiles x tokens per tile.</summary>
    public required int ContextTokens { get; init; }

    public required int NumTiles { get; init; }

    public required int TileSize { get; init; }

    /// <summary>[NumTiles, 3, TileSize, TileSize] float32, normalised.</summary>
    public required ReadOnlyMemory<float> PixelValues { get; init; }

    public required string ContentHash { get; init; }
}
