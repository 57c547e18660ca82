using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using FFMpegCore;
using FFMpegCore.Pipes;
using InternS1.Media.Images;

namespace InternS1.Media.Video;

/// <summary>
/// ffprobe / ffmpeg through FFMpegCore 6: probing, and decoding selected frames straight to RGB in memory
/// (<c>select</c> filter, <c>-f rawvideo -pix_fmt rgb24</c> to a pipe). Each run is bounded by a timeout after which
/// the process is killed (<see cref="MediaErrorKind.Timeout"/>).
/// </summary>
public sealed partial class VideoDecoder
{
    private readonly FFOptions _ffOptions;
    private readonly TimeSpan _timeout;

    public VideoDecoder(TimeSpan timeout, string? binaryFolder = null)
    {
        _timeout = timeout;
        _ffOptions = new FFOptions { BinaryFolder = binaryFolder ?? GlobalFFOptions.Current.BinaryFolder };
    }

    /// <summary>Probes the primary video stream of <paramref name="path"/>.</summary>
    public async Task<VideoProbe> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        IMediaAnalysis analysis;
        using (var cts = Deadline(cancellationToken))
        {
            try
            {
                analysis = await FFProbe.AnalyseAsync(path, _ffOptions, null, cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw MediaException.Timeout($"ffprobe took longer than {_timeout.TotalSeconds:0.###} s");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw MediaException.Unreadable($"ffprobe could not read the video: {FirstLine(e.Message)}", e);
            }
        }

        var stream = analysis.PrimaryVideoStream
                     ?? throw MediaException.Unreadable("the file has no video stream");
        if (stream.Width is not > 0 || stream.Height is not > 0)
            throw MediaException.Unreadable($"the video stream has no frame size ({stream.CodecName})");
        var duration = analysis.Format.Duration > TimeSpan.Zero ? analysis.Format.Duration : stream.Duration;
        var fps = stream.AverageFrameRate > 0 && double.IsFinite(stream.AverageFrameRate) ? stream.AverageFrameRate : stream.RealFrameRate;

        var raw = analysis.Raw.Streams.FirstOrDefault(s => s.Index == stream.Index);
        var frames = ReadNbFrames(raw);
        var estimated = frames is null;
        frames ??= fps > 0 && duration > TimeSpan.Zero ? (int)Math.Round(duration.TotalSeconds * fps) : 0;
        if (frames < 1) throw MediaException.Unreadable("the video has no frames (no nb_frames, duration or frame rate)");

        var rotated = Math.Abs(stream.Rotation) % 180 == 90;
        return new VideoProbe
        {
            Duration = duration,
            FrameCount = frames.Value,
            FrameCountEstimated = estimated,
            FrameRate = fps,
            Width = rotated ? stream.Height.Value : stream.Width.Value,
            Height = rotated ? stream.Width.Value : stream.Height.Value,
            Codec = stream.CodecName ?? "unknown",
        };
    }

    /// <summary>
    /// Decodes the frames at <paramref name="indices"/> (ascending) at their native size, calling
    /// <paramref name="onFrame"/> with (position in <paramref name="indices"/>, frame) as each arrives.
    /// Returns the presentation time (seconds) of each decoded frame; fewer than requested when the stream ends early.
    /// </summary>
    public async Task<IReadOnlyList<double>> DecodeFramesAsync(
        string path, VideoProbe probe, IReadOnlyList<int> indices, Action<int, RgbImage> onFrame, CancellationToken cancellationToken)
    {
        // NOTE: on a machine short of CPU, FFMpegCore can tear the pipe down when ffmpeg exits before the sink has read
        // the last frames (ffmpeg's showinfo counts more frames than arrived). That is our reading, not the file: decode
        // again (frames are delivered by position, so a second pass overwrites the first) before calling it unreadable.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DecodeFramesOnceAsync(path, probe, indices, onFrame, cancellationToken).ConfigureAwait(false);
            }
            catch (FramesLostException e)
            {
                if (attempt >= MaxPipeAttempts)
                    throw MediaException.Unreadable(e.Message);
            }
        }
    }

    private const int MaxPipeAttempts = 3;

    /// <summary>ffmpeg reported more frames than arrived through the pipe.</summary>
    private sealed class FramesLostException(string message) : Exception(message);

    private async Task<IReadOnlyList<double>> DecodeFramesOnceAsync(
        string path, VideoProbe probe, IReadOnlyList<int> indices, Action<int, RgbImage> onFrame, CancellationToken cancellationToken)
    {
        if (indices.Count == 0) return [];
        var frameBytes = checked(probe.Width * probe.Height * 3);
        var select = string.Join('+', indices.Select(i => $"eq(n,{i})"));
        var timestamps = new Dictionary<int, double>();
        var stderrTail = new Queue<string>();
        var decoded = 0;

        // NOTE: FFMpegCore cancels and disposes the pipe as soon as ffmpeg exits, so the sink must never wait on frame
        // processing: it only copies raw frames into a channel; a separate task resizes them as they come.
        var channel = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var sink = new StreamPipeSink(async (stream, ct) =>
        {
            try
            {
                while (decoded < indices.Count)
                {
                    var buffer = new byte[frameBytes];
                    var read = await stream.ReadAtLeastAsync(buffer, frameBytes, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                    if (read < frameBytes) break;
                    decoded++;
                    channel.Writer.TryWrite(buffer);
                }
                await stream.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        });
        var consumer = Task.Run(async () =>
        {
            var position = 0;
            await foreach (var frame in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                onFrame(position++, new RgbImage(probe.Width, probe.Height, frame));
        }, CancellationToken.None);

        using var cts = Deadline(cancellationToken);
        FFMpegResult result;
        try
        {
            result = await FFMpegArguments
                .FromFileInput(path)
                .OutputToPipe(sink, o => o
                    .WithCustomArgument("-an -sn -dn")
                    .WithCustomArgument($"-vf \"select='{select}',scale={probe.Width}:{probe.Height},showinfo\"")
                    .WithCustomArgument("-fps_mode passthrough")
                    .WithCustomArgument("-f rawvideo -pix_fmt rgb24"))
                .NotifyOnStandardError(line =>
                {
                    var m = ShowInfo().Match(line);
                    if (m.Success && double.TryParse(m.Groups["t"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var t))
                    {
                        lock (timestamps) timestamps[int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture)] = t;
                    }
                    lock (stderrTail)
                    {
                        stderrTail.Enqueue(line);
                        if (stderrTail.Count > 5) stderrTail.Dequeue();
                    }
                })
                .ProcessAsynchronously(throwOnError: false, _ffOptions, cts.Token)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw MediaException.Timeout($"ffmpeg took longer than {_timeout.TotalSeconds:0.###} s to decode {indices.Count} frames");
        }
        finally
        {
            channel.Writer.TryComplete();
            await consumer.ConfigureAwait(false);
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (cts.IsCancellationRequested)
            throw MediaException.Timeout($"ffmpeg took longer than {_timeout.TotalSeconds:0.###} s to decode {indices.Count} frames");
        int shown;
        lock (timestamps) shown = timestamps.Count;
        if (decoded == 0 || !result.Success)
        {
            string tail;
            lock (stderrTail) tail = string.Join(" | ", stderrTail);
            throw MediaException.Unreadable($"ffmpeg could not decode the video (exit code {result.ExitCode}, {decoded} frames): {tail}");
        }
        if (shown > decoded)
            throw new FramesLostException($"ffmpeg produced {shown} frames but only {decoded} arrived through the pipe");

        var times = new double[decoded];
        for (var i = 0; i < decoded; i++)
            times[i] = timestamps.TryGetValue(i, out var t) ? t : indices[i] / (probe.FrameRate > 0 ? probe.FrameRate : 1);
        return times;
    }

    private CancellationTokenSource Deadline(CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_timeout);
        return cts;
    }

    private static int? ReadNbFrames(FFProbeStream? raw)
    {
        if (raw?.ExtensionData is null || !raw.ExtensionData.TryGetValue("nb_frames", out var v)) return null;
        var text = v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText();
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    [GeneratedRegex(@"Parsed_showinfo.*?\bn:\s*(?<n>\d+)\s+pts:\s*-?\d+\s+pts_time:(?<t>-?[0-9.eE+-]+)")]
    private static partial Regex ShowInfo();
}
