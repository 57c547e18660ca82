using System.Security.Cryptography;
using System.Text;
using InternS1.Media.Config;
using InternS1.Media.Images;

namespace InternS1.Media.Video;

/// <summary>
/// Intern-S1 video preprocessing (HF <c>InternS1VideoProcessor</c>): probe, check the limits, sample frame indices
/// (<see cref="VideoFrameSampler"/>), decode those frames with ffmpeg to RGB, resize each to one
/// <c>size x size</c> tile with the same bicubic as images (aspect ratio not kept, no tiling, no thumbnail) and
/// normalise. Thread-safe.
/// </summary>
public sealed class VideoPreprocessor
{
    private readonly VideoPreprocessorConfig _config;
    private readonly int _tokensPerTile;
    private readonly MediaOptions _options;
    private readonly VideoDecoder _decoder;
    private readonly PixelNormalizer _normalizer;
    private readonly byte[] _settingsKey;

    public VideoPreprocessor(VideoPreprocessorConfig config, int tokensPerTile, MediaOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokensPerTile, 1);
        _config = config;
        _tokensPerTile = tokensPerTile;
        _options = options;
        _decoder = new VideoDecoder(options.FfmpegTimeout, options.FfmpegBinaryFolder);
        _normalizer = new PixelNormalizer(config.DoRescale, config.RescaleFactor, config.DoNormalize, config.ImageMean, config.ImageStd);
        _settingsKey = Encoding.UTF8.GetBytes(
            $"interns1-video-frame-v1|size={config.FrameSize}|rescale={config.DoRescale}:{config.RescaleFactor:R}|normalize={config.DoNormalize}" +
            $"|mean={string.Join(',', config.ImageMean.Select(v => v.ToString("R")))}|std={string.Join(',', config.ImageStd.Select(v => v.ToString("R")))}|");
    }

    /// <summary>The settings in use.</summary>
    public VideoPreprocessorConfig Config => _config;

    /// <summary>
    /// Frames to sample for a part: the part's <paramref name="requested"/> value, else the model's
    /// <c>num_frames</c>, else <see cref="MediaOptions.VideoFrames"/>; at most <see cref="MediaOptions.MaxVideoFrames"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requested"/> is below 1.</exception>
    public int ResolveFrameCount(int? requested)
    {
        // NOTE: a precondition, not a validation: the worker's validator refuses num_frames < 1 (and the CLI --frames < 1).
        if (requested is < 1) throw new ArgumentOutOfRangeException(nameof(requested), requested, "num_frames must be >= 1");
        var n = requested ?? _config.NumFrames ?? _options.VideoFrames;
        if (n > _options.MaxVideoFrames)
            throw MediaException.TooLarge($"{n} frames asked, over the limit of {_options.MaxVideoFrames} frames per video");
        return n;
    }

    /// <summary>Processes the video file at <paramref name="path"/>; throws <see cref="MediaException"/>.</summary>
    public async Task<ProcessedVideo> ProcessAsync(string path, int? numFrames, CancellationToken cancellationToken)
        => await DecodeAsync(path, await PlanAsync(path, numFrames, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Probes the video at <paramref name="path"/>, checks the limits and picks the frames to sample, without
    /// decoding any: the tokens and memory of <see cref="DecodeAsync"/> are known from the plan.</summary>
    public async Task<VideoPlan> PlanAsync(string path, int? numFrames, CancellationToken cancellationToken)
    {
        var frames = ResolveFrameCount(numFrames);
        var probe = await _decoder.ProbeAsync(path, cancellationToken).ConfigureAwait(false);
        if (probe.Duration > _options.MaxVideoDuration)
            throw MediaException.TooLarge($"video lasts {probe.Duration.TotalSeconds:0.###} s, over the limit of {_options.MaxVideoDuration.TotalSeconds:0.###} s");
        if ((long)probe.Width * probe.Height > _options.MaxVideoFramePixels)
            throw MediaException.TooLarge($"video frames are {probe.Width}x{probe.Height}, over the limit of {_options.MaxVideoFramePixels} pixels");
        double? shift = _config.InitialShift ? null : _config.InitialShiftFrames ?? 0;
        var indices = VideoFrameSampler.SampleIndices(probe.FrameCount, frames, shift);
        long size = _config.FrameSize, framePixels = (long)probe.Width * probe.Height;
        return new VideoPlan
        {
            Probe = probe,
            Indices = indices,
            ContextTokens = indices.Length * _tokensPerTile,
            MinimumContextTokens = probe.FrameCountEstimated ? Math.Min(indices.Length, 1) * _tokensPerTile : indices.Length * _tokensPerTile,
            // Raw frames may all queue in the decoder's channel; one frame at a time is resized (float rows + tile).
            TransientBytes = indices.Length * framePixels * 3 + probe.Height * size * 3 * sizeof(float) + size * size * 3,
            TileBytes = indices.Length * 3 * size * size * sizeof(float),
        };
    }

    /// <summary>Tokens per sampled frame (<c>image_seq_length</c>).</summary>
    public int TokensPerFrame => _tokensPerTile;

    /// <summary>Decodes and preprocesses the frames of <paramref name="plan"/>; throws <see cref="MediaException"/>.</summary>
    public async Task<ProcessedVideo> DecodeAsync(string path, VideoPlan plan, CancellationToken cancellationToken)
    {
        var probe = plan.Probe;
        var indices = plan.Indices;
        var size = _config.FrameSize;
        var pixels = new float[indices.Length][];
        var hashes = new string[indices.Length];
        var timestamps = await _decoder.DecodeFramesAsync(path, probe, indices, (i, frame) =>
        {
            var tile = BicubicResampler.Resize(frame, size, size);
            var values = new float[3 * size * size];
            _normalizer.WriteTile(tile, 0, 0, size, values);
            pixels[i] = values;
            hashes[i] = Convert.ToHexStringLower(SHA256.HashData([.. _settingsKey, .. tile.Pixels]));
        }, cancellationToken).ConfigureAwait(false);

        var result = new ProcessedVideoFrame[timestamps.Count];
        for (var i = 0; i < result.Length; i++)
            result[i] = new ProcessedVideoFrame { FrameIndex = indices[i], TimestampSeconds = timestamps[i], PixelValues = pixels[i], ContentHash = hashes[i] };
        return new ProcessedVideo
        {
            Probe = probe,
            SampledIndices = indices,
            Frames = result,
            FrameSize = size,
            TokensPerFrame = _tokensPerTile,
        };
    }
}
