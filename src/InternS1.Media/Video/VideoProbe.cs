namespace InternS1.Media.Video;

/// <summary>What ffprobe says about a video's primary video stream.</summary>
public sealed record VideoProbe
{
    /// <summary>Duration of the container (or of the stream when the container has none).</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Frames in the stream: <c>nb_frames</c> when present, else round(duration x average frame rate).</summary>
    public required int FrameCount { get; init; }

    /// <summary>True when <see cref="FrameCount"/> was estimated from duration and frame rate.</summary>
    public required bool FrameCountEstimated { get; init; }

    /// <summary>Average frame rate (frames per second).</summary>
    public required double FrameRate { get; init; }

    /// <summary>Width of the decoded frames (after ffmpeg's automatic rotation).</summary>
    public required int Width { get; init; }

    /// <summary>Height of the decoded frames (after ffmpeg's automatic rotation).</summary>
    public required int Height { get; init; }

    public required string Codec { get; init; }
}
