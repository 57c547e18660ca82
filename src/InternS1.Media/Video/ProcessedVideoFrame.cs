namespace InternS1.Media.Video;

/// <summary>One sampled video frame: a single tile of [1, 3, size, size] float32, normalised.</summary>
public sealed record ProcessedVideoFrame
{
    /// <summary>Index of the frame in the stream (decode order of ffmpeg, 0-based).</summary>
    public required int FrameIndex { get; init; }

    /// <summary>Presentation time of the frame, seconds (ffmpeg <c>pts_time</c>; index / frame rate when unknown).</summary>
    public required double TimestampSeconds { get; init; }

    /// <summary>[1, 3, size, size] float32.</summary>
    public required float[] PixelValues { get; init; }

    /// <summary>Lower-case hex SHA-256 of the 8-bit resized frame and the normalisation settings.</summary>
    public required string ContentHash { get; init; }
}
