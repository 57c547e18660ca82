using System.Diagnostics;
using InternS1.Media.Config;
using InternS1.Media.Images;
using InternS1.Media.Intake;
using InternS1.Media.Tests.Support;
using SkiaSharp;

namespace InternS1.Media.Tests;

/// <summary>Intake that cannot be made to hang or to decode before it is judged: non-regular files, bodies cut short,
/// image headers read without decoding (tiles, tokens and memory known in advance).</summary>
public sealed class IntakeBoundsTests : IDisposable
{
    private const string Part = "messages[0].content[0]";
    private static readonly byte[] Png = PngWriter.Rgb(4, 3, (x, y) => ((byte)(x * 60), (byte)(y * 80), 7));
    private readonly string _root = Directory.CreateTempSubdirectory("interns1-media-bounds-").FullName;
    private readonly LocalHttpServer _server = new(Png);

    private MediaFetcher Fetcher(string? root = null) => new(new MediaOptions { MediaRoot = root ?? _root, AllowPrivateAddresses = true });

    /// <summary>Runs <paramref name="fetch"/> and expects a media failure; a hang fails the test after 60 s (a guard,
    /// not a measurement: the fixed code answers at once).</summary>
    private static async Task<MediaException> FailsAsync(Func<Task> fetch)
    {
        var run = Task.Run(fetch);
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(finished == run, "the fetch blocked");
        return await Assert.ThrowsAsync<MediaException>(() => run);
    }

    [Fact]
    public async Task A_fifo_inside_the_media_root_is_unreadable_without_blocking_in_open()
    {
        var fifo = Path.Combine(_root, "pipe.png");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
            await mkfifo.WaitForExitAsync();
        Assert.True(File.Exists(fifo), "mkfifo did not create the FIFO");
        using var fetcher = Fetcher();

        var e = await FailsAsync(() => fetcher.FetchAsync(MediaSource.FromPath(MediaType.Image, "pipe.png"), Part, CancellationToken.None));

        Assert.Equal(MediaErrorKind.Unreadable, e.Kind);
        Assert.Equal("path is not a regular file (it is a FIFO)", e.Detail);
        Assert.StartsWith($"{Part} (image path pipe.png)", e.Message);
    }

    [Fact]
    public async Task A_character_device_is_unreadable_instead_of_read_until_the_size_limit()
    {
        using var fetcher = Fetcher("/dev");
        var e = await FailsAsync(() => fetcher.FetchAsync(MediaSource.FromPath(MediaType.Image, "zero"), Part, CancellationToken.None));

        Assert.Equal(MediaErrorKind.Unreadable, e.Kind);
        Assert.Equal("path is not a regular file (it is a character device)", e.Detail);
    }

    [Fact]
    public async Task A_download_cut_short_is_unreadable_not_an_io_fault()
    {
        using var fetcher = Fetcher();
        var e = await FailsAsync(() => fetcher.FetchAsync(MediaSource.FromUrl(MediaType.Image, _server.Url("/cut")), Part, CancellationToken.None));

        Assert.Equal(MediaErrorKind.Unreadable, e.Kind);
        Assert.StartsWith("the download failed after ", e.Detail);
        Assert.IsAssignableFrom<IOException>(e.InnerException);
    }

    [Fact]
    public void The_plan_of_a_1080p_image_is_the_four_by_two_grid_and_a_thumbnail()
    {
        // By hand: aspect 1920/1080 = 1.78; among grids of at most 12 tiles the closest ratio is 2 (2x1 and 4x2; 3x2
        // gives 1.5); the later 4x2 wins the tie because 1920 x 1080 > 0.5 x 448^2 x 8. 8 tiles + thumbnail = 9.
        var plan = new ImagePreprocessor(new ImagePreprocessorConfig()).Plan(1920, 1080);

        Assert.Equal((4, 2), (plan.Grid.Columns, plan.Grid.Rows));
        Assert.Equal(9, plan.NumTiles);
        Assert.Equal(9 * 256, plan.ContextTokens);
        Assert.Equal(9L * 3 * 448 * 448 * 4, plan.TileBytes);
        // RGBA + RGB of the source, the resampler's float rows (1080 x (1792 + 448) x 3 floats), canvas and thumbnail.
        Assert.Equal(1920L * 1080 * 7 + 1080L * (1792 + 448) * 12 + 1792L * 896 * 3 + 448L * 448 * 3, plan.TransientBytes);
    }

    [Fact]
    public async Task Probing_reads_the_header_only_so_a_truncated_image_is_planned_but_not_decoded()
    {
        var encoded = SkiaImages.Encode(1920, 1080, (x, y) => ((byte)x, (byte)y, 0), SKEncodedImageFormat.Png);
        var truncated = encoded[..200];
        var loader = new MediaLoader(Fetcher(), new MediaOptions { MediaRoot = _root }, new MediaPreprocessingConfig());
        using var probed = await loader.ProbeAsync(MediaSource.FromBase64(MediaType.Image, Convert.ToBase64String(truncated)), Part, null, CancellationToken.None);

        Assert.Equal(9 * 256, probed.ContextTokens);
        Assert.Equal(9 * 256, probed.MinimumContextTokens);
        Assert.Equal(200, probed.FetchedBytes);
        var e = await Assert.ThrowsAsync<MediaException>(() => loader.DecodeAsync(probed, CancellationToken.None));
        Assert.Equal(MediaErrorKind.Unreadable, e.Kind);
    }

    [Fact]
    public void The_header_size_swaps_width_and_height_for_a_rotating_exif_orientation()
    {
        var jpeg = Exif.WithOrientation(SkiaImages.Encode(40, 20, (_, _) => (1, 2, 3), SKEncodedImageFormat.Jpeg), 6);

        Assert.Equal((20, 40), ImageDecoder.ReadSize(jpeg, 1_000_000));
        var decoded = ImageDecoder.Decode(jpeg, 1_000_000);
        Assert.Equal((20, 40), (decoded.Width, decoded.Height));
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
