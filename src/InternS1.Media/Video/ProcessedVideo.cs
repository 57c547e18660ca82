namespace InternS1.Media.Video;

/// <summary>A video after sampling and preprocessing: one tile per frame (no tiling, no thumbnail).</summary>
public sealed record ProcessedVideo
{
    public required VideoProbe Probe { get; init; }

    /// <summary>Frame indices that were asked for (<see cref="VideoFrameSampler"/>).</summary>
    public required IReadOnlyList<int> SampledIndices { get; init; }

    /// <summary>The frames decoded, in order (fewer than <see cref="SampledIndices"/> only when the stream ended early).</summary>
    public required IReadOnlyList<ProcessedVideoFrame> Frames { get; init; }

    public required int FrameSize { get; init; }

    /// <summary><c>&lt;IMG_CONTEXT&gt;</c> tokens per frame (<c>image_seq_length</c>).</summary>
    public required int TokensPerFrame { get; init; }

    /// <summary>Placeholder tokens of the whole video: frames x tokens per frame.</summary>
    public int ContextTokens => Frames.Count * TokensPerFrame;
}
