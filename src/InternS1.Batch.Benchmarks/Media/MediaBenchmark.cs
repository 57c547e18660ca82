using System.Diagnostics;
using System.Runtime.InteropServices;
using FFMpegCore;
using InternS1.Media;
using InternS1.Media.Config;
using InternS1.Media.Images;
using InternS1.Media.Video;
using SkiaSharp;

namespace InternS1.Batch.Benchmarks.Media;

/// <summary>
/// Media throughput on generated inputs (for <c>interns1 bench media</c>): images/s through
/// <see cref="ImagePreprocessor"/> vs SkiaSharp decode alone, and video frames/s through
/// <see cref="VideoPreprocessor"/> vs a plain ffmpeg decode of the same file. Single-threaded, after one warm-up.
/// </summary>
public static class MediaBenchmark
{
    /// <summary>Runs the benchmark. <paramref name="imageIterations"/> per image measurement, <paramref name="videoIterations"/> per video one.</summary>
    public static async Task<MediaBenchmarkResult> RunAsync(
        int imageIterations = 20, int videoIterations = 3, int videoFrames = 32, MediaOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new MediaOptions();
        var preprocessor = new ImagePreprocessor(new ImagePreprocessorConfig());
        var jpeg = SyntheticJpeg(1920, 1080);
        var sample = preprocessor.Process(jpeg, options.MaxImagePixels); // warm-up
        var perImage = Time(imageIterations, () => preprocessor.Process(jpeg, options.MaxImagePixels));
        var perDecode = Time(imageIterations, () => ImageDecoder.Decode(jpeg, options.MaxImagePixels));
        var result = new MediaBenchmarkResult
        {
            ImageDescription = $"1920x1080 JPEG -> {sample.Grid} grid + thumbnail = {sample.NumTiles} tiles",
            ImagesPerSecond = 1 / perImage,
            DecodeOnlyImagesPerSecond = 1 / perDecode,
        };

        var ffmpeg = Path.Combine(GlobalFFOptions.GetFFMpegBinaryPath(new FFOptions { BinaryFolder = options.FfmpegBinaryFolder ?? "" }));
        var folder = Directory.CreateTempSubdirectory("interns1-bench-media-").FullName;
        try
        {
            var video = Path.Combine(folder, "testsrc.mp4");
            if (!await RunFfmpegAsync(ffmpeg, $"-v error -y -f lavfi -i testsrc=duration=10:size=1280x720:rate=25 -c:v libx264 -pix_fmt yuv420p \"{video}\"", cancellationToken).ConfigureAwait(false))
                return result;
            var videos = new VideoPreprocessor(new VideoPreprocessorConfig(), 256, options);
            var processed = await videos.ProcessAsync(video, videoFrames, cancellationToken).ConfigureAwait(false); // warm-up
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < videoIterations; i++) await videos.ProcessAsync(video, videoFrames, cancellationToken).ConfigureAwait(false);
            var perVideo = sw.Elapsed.TotalSeconds / videoIterations;
            sw.Restart();
            for (var i = 0; i < videoIterations; i++)
                await RunFfmpegAsync(ffmpeg, $"-v error -i \"{video}\" -f null -", cancellationToken).ConfigureAwait(false);
            var perNull = sw.Elapsed.TotalSeconds / videoIterations;
            return result with
            {
                VideoDescription = $"1280x720 25 fps 10 s H.264 ({processed.Probe.FrameCount} frames), {processed.Frames.Count} sampled",
                VideoFramesPerSecond = processed.Frames.Count / perVideo,
                VideoStreamFramesPerSecond = processed.Probe.FrameCount / perVideo,
                FfmpegNullDecodeFramesPerSecond = processed.Probe.FrameCount / perNull,
            };
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Time(int iterations, Action action)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++) action();
        return sw.Elapsed.TotalSeconds / iterations;
    }

    private static byte[] SyntheticJpeg(int width, int height)
    {
        var rgba = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 4;
                rgba[i] = (byte)(x * 255 / width);
                rgba[i + 1] = (byte)(y * 255 / height);
                rgba[i + 2] = (byte)((x ^ y) & 0xFF);
                rgba[i + 3] = 255;
            }
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    private static async Task<bool> RunFfmpegAsync(string ffmpeg, string arguments, CancellationToken cancellationToken)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(ffmpeg, arguments) { RedirectStandardError = true, UseShellExecute = false });
            if (process is null) return false;
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            await stderr.ConfigureAwait(false);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
