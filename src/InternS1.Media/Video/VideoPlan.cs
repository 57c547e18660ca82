namespace InternS1.Media.Video;

/// <summary>
/// A video after probing and before decoding (<see cref="VideoPreprocessor.PlanAsync"/>): the frames to sample, the
/// tokens they will fill and the memory decoding them needs.
/// </summary>
public sealed record VideoPlan
{
    public required VideoProbe Probe { get; init; }

    /// <summary>Frame indices to decode (<see cref="VideoFrameSampler"/>).</summary>
    public required int[] Indices { get; init; }

    /// <summary><c>&lt;IMG_CONTEXT&gt;</c> tokens if every sampled frame decodes: frames x tokens per frame.</summary>
    public required int ContextTokens { get; init; }

    /// <summary>A lower bound of <see cref="ContextTokens"/>: the same when the container declares its frame count
    /// (<c>nb_frames</c>), one frame's tokens when the count was estimated from duration and frame rate.</summary>
    public required int MinimumContextTokens { get; init; }

    /// <summary>Bytes needed only while decoding: the raw RGB frames from ffmpeg (they may queue up) and one frame's
    /// resampler buffers.</summary>
    public required long TransientBytes { get; init; }

    /// <summary>Bytes of the float32 frame tiles kept until the job ends.</summary>
    public required long TileBytes { get; init; }
}
