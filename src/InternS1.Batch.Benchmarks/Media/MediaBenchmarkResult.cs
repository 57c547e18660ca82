namespace InternS1.Batch.Benchmarks.Media;

/// <summary>Throughput measured by <see cref="MediaBenchmark"/>; each rate comes with a baseline from the same run.</summary>
public sealed record MediaBenchmarkResult
{
    /// <summary>Size of the benchmark image (JPEG) and the tiles it gives.</summary>
    public required string ImageDescription { get; init; }

    /// <summary>Images per second through decode + tiling + resize + normalise (+ hash).</summary>
    public required double ImagesPerSecond { get; init; }

    /// <summary>Baseline: images per second through SkiaSharp decode alone.</summary>
    public required double DecodeOnlyImagesPerSecond { get; init; }

    /// <summary>Benchmark video (generated with lavfi testsrc) and frames sampled; null when ffmpeg is unavailable.</summary>
    public string? VideoDescription { get; init; }

    /// <summary>Sampled frames per second through probe + decode + resize + normalise.</summary>
    public double? VideoFramesPerSecond { get; init; }

    /// <summary>Stream frames per second ffmpeg went through for those samples (it decodes the whole stream).</summary>
    public double? VideoStreamFramesPerSecond { get; init; }

    /// <summary>Baseline: stream frames per second of a plain <c>ffmpeg -i video -f null -</c> decode.</summary>
    public double? FfmpegNullDecodeFramesPerSecond { get; init; }

    public override string ToString()
    {
        var lines = new List<string>
        {
            $"image  {ImageDescription}: {ImagesPerSecond:0.0} images/s preprocessed; decode only {DecodeOnlyImagesPerSecond:0.0} images/s (preprocess/decode = {ImagesPerSecond / DecodeOnlyImagesPerSecond:0.00})",
        };
        lines.Add(VideoDescription is null
            ? "video  skipped (ffmpeg not found)"
            : $"video  {VideoDescription}: {VideoFramesPerSecond:0.0} sampled frames/s, {VideoStreamFramesPerSecond:0.0} stream frames/s; " +
              $"plain ffmpeg decode {FfmpegNullDecodeFramesPerSecond:0.0} frames/s (ours/plain = {VideoStreamFramesPerSecond / FfmpegNullDecodeFramesPerSecond:0.00})");
        return string.Join(Environment.NewLine, lines);
    }
}
