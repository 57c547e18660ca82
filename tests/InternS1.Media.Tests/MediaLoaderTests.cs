using InternS1.Media.Config;
using InternS1.Media.Intake;
using InternS1.Media.Prompts;
using InternS1.Media.Tests.Support;

namespace InternS1.Media.Tests;

/// <summary>Fetch + preprocess end to end: every failure class carries its reason code and names the part.</summary>
public sealed class MediaLoaderTests : IClassFixture<TestVideos>, IDisposable
{
    private const string Part = "messages[0].content[1]";
    private readonly TestVideos _videos;
    private readonly string _temp = Directory.CreateTempSubdirectory("interns1-media-loader-").FullName;
    private readonly LocalHttpServer _server = new(PngWriter.Rgb(4, 4, (_, _) => (1, 2, 3)));

    public MediaLoaderTests(TestVideos videos)
    {
        _videos = videos;
        _server.Files["solid.mp4"] = File.ReadAllBytes(videos.Solid);
    }

    private MediaLoader Loader(Action<MediaOptions>? configure = null)
    {
        var options = new MediaOptions { MediaRoot = _videos.Folder, AllowPrivateAddresses = true, TempFolder = _temp };
        configure?.Invoke(options);
        return new MediaLoader(new MediaFetcher(options), options, new MediaPreprocessingConfig());
    }

    [Fact]
    public async Task Image_from_base64_is_preprocessed()
    {
        var png = PngWriter.Rgb(1000, 1000, (x, y) => ((byte)x, (byte)y, 0));
        var image = await Loader().LoadImageAsync(MediaSource.FromBase64(MediaType.Image, Convert.ToBase64String(png)), Part, CancellationToken.None);
        Assert.Equal((1000, 1000, 10, 2560), (image.Width, image.Height, image.NumTiles, image.ContextTokens));
    }

    [Fact]
    public async Task Pixel_bomb_is_too_large_and_names_the_part()
    {
        var bomb = Convert.ToBase64String(PngWriter.HeaderOnly(100_000, 100_000));
        var e = await Assert.ThrowsAsync<MediaException>(() => Loader().LoadImageAsync(MediaSource.FromBase64(MediaType.Image, bomb), Part, CancellationToken.None));
        Assert.Equal(MediaErrorKind.TooLarge, e.Kind);
        Assert.StartsWith($"{Part} (image base64, {bomb.Length} chars): image is 100000x100000", e.Message);
    }

    [Fact]
    public async Task Garbage_image_is_unreadable_and_names_the_part()
    {
        var e = await Assert.ThrowsAsync<MediaException>(() => Loader().LoadImageAsync(MediaSource.FromPath(MediaType.Image, "garbage.mp4"), Part, CancellationToken.None));
        Assert.Equal(MediaErrorKind.Unreadable, e.Kind);
        Assert.StartsWith($"{Part} (image path garbage.mp4): not a decodable image", e.Message);
    }

    [Fact]
    public async Task Video_from_url_is_downloaded_decoded_and_its_temporary_file_removed()
    {
        var media = await Loader().LoadAsync(MediaSource.FromUrl(MediaType.Video, _server.Url("/files/solid.mp4")), Part, 4, CancellationToken.None);
        Assert.False(media.IsImage);
        Assert.Equal(new[] { 4, 12, 20, 28 }, media.Video!.Frames.Select(f => f.FrameIndex)); // floor(32*(2k+1)/8)
        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Fact]
    public async Task Video_failures_name_the_part()
    {
        var tooLong = await Assert.ThrowsAsync<MediaException>(() =>
            Loader(o => o.MaxVideoDuration = TimeSpan.FromSeconds(2)).LoadVideoAsync(MediaSource.FromPath(MediaType.Video, "solid.mp4"), Part, 4, CancellationToken.None));
        Assert.Equal(MediaErrorKind.TooLarge, tooLong.Kind);
        Assert.StartsWith($"{Part} (video path solid.mp4): video lasts 3.2 s", tooLong.Message);

        var tooBig = await Assert.ThrowsAsync<MediaException>(() =>
            Loader(o => o.MaxVideoBytes = 100).LoadVideoAsync(MediaSource.FromUrl(MediaType.Video, _server.Url("/files/solid.mp4")), Part, 4, CancellationToken.None));
        Assert.Equal(MediaErrorKind.TooLarge, tooBig.Kind);

        // A frame count below one breaks the loader's precondition (the worker's validator refuses it first).
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Loader().LoadVideoAsync(MediaSource.FromPath(MediaType.Video, "solid.mp4"), Part, -1, CancellationToken.None));

        var timeout = await Assert.ThrowsAsync<MediaException>(() =>
            Loader(o => o.FfmpegTimeout = TimeSpan.FromMilliseconds(1)).LoadVideoAsync(MediaSource.FromPath(MediaType.Video, "solid.mp4"), Part, 4, CancellationToken.None));
        Assert.Equal(MediaErrorKind.Timeout, timeout.Kind);
        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Fact]
    public async Task Loaded_media_expand_into_the_prompt_in_part_order()
    {
        var loader = Loader();
        var image = await loader.LoadAsync(MediaSource.FromBase64(MediaType.Image, Convert.ToBase64String(PngWriter.Rgb(20, 10, (_, _) => (9, 9, 9)))), "messages[0].content[0]", null, CancellationToken.None);
        var video = await loader.LoadAsync(MediaSource.FromPath(MediaType.Video, "solid.mp4"), "messages[0].content[1]", 2, CancellationToken.None);
        var expanded = new PromptExpander().Expand("<IMG_CONTEXT>\n<video>\nDescribe.", [image, video]);
        Assert.Equal(3 * 256, expanded.ImageTokens); // 20x10 -> 2x1 grid + thumbnail
        Assert.Equal(2 * 256, expanded.VideoTokens);
        Assert.Equal(3, expanded.Runs.Count);
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_temp, recursive: true);
    }
}
