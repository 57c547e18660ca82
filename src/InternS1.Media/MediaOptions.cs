using System.ComponentModel.DataAnnotations;

namespace InternS1.Media;

/// <summary>
/// Media intake limits and policy (configuration section <c>Media</c>). Sizes carry their unit in the name;
/// durations are <see cref="TimeSpan"/>s. Every limit is checked before the expensive step it protects:
/// download size while streaming, pixel count from the image header before decoding, video duration from the
/// probe before decoding.
/// </summary>
public sealed class MediaOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Media";

    /// <summary>Folder that <c>path</c> parts must resolve into (symlinks resolved). Null: <c>path</c> parts are refused.</summary>
    public string? MediaRoot { get; set; }

    /// <summary>URL schemes allowed for <c>url</c> parts (case-insensitive). <c>data:</c> URLs are inline media and always
    /// allowed (within <see cref="MaxInlineBytes"/>); <c>file:</c> is never allowed.</summary>
    public string[] AllowedUrlSchemes { get; set; } = ["https", "http"];

    /// <summary>Allow URLs whose host resolves to loopback, private (RFC 1918, CGNAT), link-local, unique-local,
    /// multicast or reserved addresses. Off by default (SSRF); tests against a local server turn it on.</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>Redirects followed per download; each target is checked again (scheme and addresses).</summary>
    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Largest image file accepted (download, file or inline), bytes.</summary>
    [Range(1, long.MaxValue)]
    public long MaxImageBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Largest video file accepted (download or file), bytes.</summary>
    [Range(1, long.MaxValue)]
    public long MaxVideoBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Largest inline (base64 or <c>data:</c> URL) payload after decoding, bytes.</summary>
    [Range(1, long.MaxValue)]
    public long MaxInlineBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Largest decoded image, width x height pixels, checked from the header before decoding
    /// (decompression bombs). Default 64 Mpx (8000 x 8000).</summary>
    [Range(1, long.MaxValue)]
    public long MaxImagePixels { get; set; } = 64_000_000;

    /// <summary>Largest video frame, width x height pixels (from the probe).</summary>
    [Range(1, long.MaxValue)]
    public long MaxVideoFramePixels { get; set; } = 4096L * 4096;

    /// <summary>Longest video accepted (from the probe, before decoding).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxVideoDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Frames sampled per video when the part does not say (LMDeploy's default, 32).</summary>
    [Range(1, 1024)]
    public int VideoFrames { get; set; } = 32;

    /// <summary>Most frames a part may ask for (<c>num_frames</c>); each frame costs 256 prompt tokens.</summary>
    [Range(1, 1024)]
    public int MaxVideoFrames { get; set; } = 64;

    /// <summary>Whole download (connect, headers and body) of one part.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Each ffprobe / ffmpeg run of one part; the process is killed when it passes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan FfmpegTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>One deadline for the whole preparation of a job's media and prompt (fetching, probing, decoding,
    /// tiling every part, tokenizing); past it the job is dead-lettered as <c>media_timeout</c>. Waiting for room in
    /// <see cref="MaxDecodedBytes"/> does not count (that is back-pressure, not the job's doing). Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan PreparationTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Budget for decoded media in this worker at once, bytes: decode buffers and resized pixels while a job's
    /// parts are decoded, then the float32 tiles it holds until it ends. A job reserves its estimate (from the image
    /// headers and video probes, before decoding) and waits until the budget has room; a job whose estimate alone is
    /// over the budget is refused as <c>media_too_large</c>. Default 2 GiB.</summary>
    [Range(1L << 20, long.MaxValue)]
    public long MaxDecodedBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Folder holding <c>ffmpeg</c> and <c>ffprobe</c>; null: found on PATH.</summary>
    public string? FfmpegBinaryFolder { get; set; }

    /// <summary>Folder for downloaded or inline videos while they are decoded (deleted afterwards); null: the system temp folder.</summary>
    public string? TempFolder { get; set; }

    /// <summary>User-Agent header of downloads.</summary>
    public string UserAgent { get; set; } = "InternS1.Batch-media/1.0";
}
