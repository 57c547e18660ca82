using System.Net;
using InternS1.Media.Intake;
using InternS1.Media.Tests.Support;

namespace InternS1.Media.Tests;

public sealed class MediaFetcherTests : IDisposable
{
    private const string Part = "messages[1].content[2]";
    private static readonly byte[] Png = PngWriter.Rgb(4, 3, (x, y) => ((byte)(x * 60), (byte)(y * 80), 7));
    private readonly string _root;
    private readonly string _outside;
    private readonly LocalHttpServer _server = new(Png);

    public MediaFetcherTests()
    {
        var baseDir = Directory.CreateTempSubdirectory("interns1-media-fetch-").FullName;
        _root = Path.Combine(baseDir, "root");
        _outside = Path.Combine(baseDir, "outside");
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        Directory.CreateDirectory(_outside);
        File.WriteAllBytes(Path.Combine(_root, "a.png"), Png);
        File.WriteAllBytes(Path.Combine(_outside, "secret.png"), Png);
        File.CreateSymbolicLink(Path.Combine(_root, "escape.png"), Path.Combine(_outside, "secret.png"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "dirlink"), _outside);
        File.CreateSymbolicLink(Path.Combine(_root, "sub", "inside.png"), "../a.png");
    }

    private MediaFetcher Fetcher(Action<MediaOptions>? configure = null)
    {
        var options = new MediaOptions { MediaRoot = _root, AllowPrivateAddresses = true };
        configure?.Invoke(options);
        return new MediaFetcher(options);
    }

    private async Task<MediaException> Fails(MediaSource source, Action<MediaOptions>? configure = null)
    {
        using var fetcher = Fetcher(configure);
        return await Assert.ThrowsAsync<MediaException>(() => fetcher.FetchAsync(source, Part, CancellationToken.None));
    }

    [Theory]
    [InlineData("a.png")]
    [InlineData("sub/../a.png")]
    [InlineData("sub/inside.png")] // a symlink that stays inside the root
    public async Task Paths_inside_the_root_are_read(string path)
    {
        using var fetcher = Fetcher();
        using var media = await fetcher.FetchAsync(MediaSource.FromPath(MediaType.Image, path), Part, CancellationToken.None);
        Assert.Equal(Png, media.Bytes);
    }

    [Fact]
    public async Task Absolute_path_inside_the_root_is_read()
    {
        using var fetcher = Fetcher();
        using var media = await fetcher.FetchAsync(MediaSource.FromPath(MediaType.Image, Path.Combine(_root, "a.png")), Part, CancellationToken.None);
        Assert.Equal(Png, media.Bytes);
    }

    [Theory]
    [InlineData("../outside/secret.png")]    // traversal
    [InlineData("sub/../../outside/secret.png")]
    [InlineData("escape.png")]              // file symlink out of the root
    [InlineData("dirlink/secret.png")]      // directory symlink out of the root
    public async Task Paths_leaving_the_root_are_forbidden(string path)
    {
        var e = await Fails(MediaSource.FromPath(MediaType.Image, path));
        Assert.Equal(MediaErrorKind.Forbidden, e.Kind);
        Assert.StartsWith($"{Part} (image path {path}): ", e.Message);
    }

    [Fact]
    public async Task Absolute_path_outside_the_root_and_a_missing_root_are_forbidden()
    {
        Assert.Equal(MediaErrorKind.Forbidden, (await Fails(MediaSource.FromPath(MediaType.Image, Path.Combine(_outside, "secret.png")))).Kind);
        Assert.Equal(MediaErrorKind.Forbidden, (await Fails(MediaSource.FromPath(MediaType.Image, "a.png"), o => o.MediaRoot = null)).Kind);
    }

    [Fact]
    public async Task Missing_file_is_unreadable_and_big_file_too_large()
    {
        Assert.Equal(MediaErrorKind.Unreadable, (await Fails(MediaSource.FromPath(MediaType.Image, "nope.png"))).Kind);
        Assert.Equal(MediaErrorKind.Unreadable, (await Fails(MediaSource.FromPath(MediaType.Image, "sub"))).Kind);
        Assert.Equal(MediaErrorKind.TooLarge, (await Fails(MediaSource.FromPath(MediaType.Image, "a.png"), o => o.MaxImageBytes = Png.Length - 1)).Kind);
    }

    [Fact]
    public async Task Url_from_the_local_server_is_downloaded_and_redirects_followed()
    {
        using var fetcher = Fetcher();
        using var direct = await fetcher.FetchAsync(MediaSource.FromUrl(MediaType.Image, _server.Url("/img.png")), Part, CancellationToken.None);
        Assert.Equal(Png, direct.Bytes);
        using var redirected = await fetcher.FetchAsync(MediaSource.FromUrl(MediaType.Image, _server.Url("/redirect-img")), Part, CancellationToken.None);
        Assert.Equal(Png, redirected.Bytes);
    }

    [Fact]
    public async Task Loopback_urls_are_forbidden_by_default()
    {
        static void Default(MediaOptions o) => o.AllowPrivateAddresses = false;
        var e = await Fails(MediaSource.FromUrl(MediaType.Image, _server.Url("/img.png")), Default);
        Assert.Equal(MediaErrorKind.Forbidden, e.Kind);
        Assert.Contains("127.0.0.1", e.Message);
        Assert.StartsWith($"{Part} (image url http://127.0.0.1:{_server.Port}/img.png): ", e.Message);
        Assert.Equal(MediaErrorKind.Forbidden, (await Fails(MediaSource.FromUrl(MediaType.Image, $"http://localhost:{_server.Port}/img.png"), Default)).Kind);
        Assert.Equal(MediaErrorKind.Forbidden, (await Fails(MediaSource.FromUrl(MediaType.Image, $"http://[::1]:{_server.Port}/img.png"), Default)).Kind);
        Assert.Equal(MediaErrorKind.Forbidden, (await Fails(MediaSource.FromUrl(MediaType.Image, "http://169.254.169.254/latest/meta-data"), Default)).Kind);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://example.org/a.png")]
    [InlineData("gopher://example.org/")]
    public async Task Schemes_other_than_http_and_https_are_forbidden(string url)
    {
        Assert.Equal(MediaErrorKind.Forbidden, (await Fails(MediaSource.FromUrl(MediaType.Image, url))).Kind);
    }

    [Fact]
    public async Task Http_is_forbidden_when_only_https_is_configured_and_redirects_to_file_are_refused()
    {
        Assert.Equal(MediaErrorKind.Forbidden, (await Fails(MediaSource.FromUrl(MediaType.Image, _server.Url("/img.png")), o => o.AllowedUrlSchemes = ["https"])).Kind);
        Assert.Equal(MediaErrorKind.Forbidden, (await Fails(MediaSource.FromUrl(MediaType.Image, _server.Url("/redirect-file")))).Kind);
    }

    [Theory]
    [InlineData("/big")]
    [InlineData("/big-chunked")]
    public async Task Downloads_over_the_limit_are_too_large(string path)
    {
        var e = await Fails(MediaSource.FromUrl(MediaType.Image, _server.Url(path)), o => o.MaxImageBytes = 1 << 20);
        Assert.Equal(MediaErrorKind.TooLarge, e.Kind);
    }

    [Fact]
    public async Task Slow_download_times_out()
    {
        var e = await Fails(MediaSource.FromUrl(MediaType.Image, _server.Url("/slow")), o => o.DownloadTimeout = TimeSpan.FromMilliseconds(300));
        Assert.Equal(MediaErrorKind.Timeout, e.Kind);
    }

    [Fact]
    public async Task Http_error_is_unreadable()
    {
        var e = await Fails(MediaSource.FromUrl(MediaType.Image, _server.Url("/missing")));
        Assert.Equal(MediaErrorKind.Unreadable, e.Kind);
        Assert.Contains("HTTP 404", e.Message);
    }

    [Fact]
    public async Task Base64_and_data_urls_are_decoded_within_the_inline_limit()
    {
        using var fetcher = Fetcher();
        using var inline = await fetcher.FetchAsync(MediaSource.FromBase64(MediaType.Image, Convert.ToBase64String(Png)), Part, CancellationToken.None);
        Assert.Equal(Png, inline.Bytes);
        using var dataUrl = await fetcher.FetchAsync(MediaSource.FromUrl(MediaType.Image, "data:image/png;base64," + Convert.ToBase64String(Png)), Part, CancellationToken.None);
        Assert.Equal(Png, dataUrl.Bytes);

        Assert.Equal(MediaErrorKind.TooLarge, (await Fails(MediaSource.FromBase64(MediaType.Image, Convert.ToBase64String(new byte[4000])), o => o.MaxInlineBytes = 1000)).Kind);
        Assert.Equal(MediaErrorKind.Unreadable, (await Fails(MediaSource.FromBase64(MediaType.Image, "not base64!"))).Kind);
        Assert.Equal(MediaErrorKind.Unreadable, (await Fails(MediaSource.FromUrl(MediaType.Image, "data:image/png,%89PNG"))).Kind);
        var e = await Fails(MediaSource.FromBase64(MediaType.Image, "c2VjcmV0!"));
        Assert.DoesNotContain("c2VjcmV0", e.Message); // inline data is never echoed
    }

    [Fact]
    public void A_media_source_holds_exactly_one_origin_by_construction()
    {
        // The three factories are the only way to make a source: no public constructor, no setters (so no `with`).
        Assert.Empty(typeof(MediaSource).GetConstructors());
        Assert.All(typeof(MediaSource).GetProperties(), p => Assert.Null(p.GetSetMethod()));
        string?[] Origins(MediaSource s) => [s.Url, s.Path, s.Base64];
        Assert.Equal(new[] { "https://example.org/a.png", null, null }, Origins(MediaSource.FromUrl(MediaType.Image, "https://example.org/a.png")));
        Assert.Equal(new[] { null, "a.png", null }, Origins(MediaSource.FromPath(MediaType.Image, "a.png")));
        Assert.Equal(new[] { null, null, "AAAA" }, Origins(MediaSource.FromBase64(MediaType.Image, "AAAA")));
        Assert.Throws<ArgumentNullException>(() => MediaSource.FromUrl(MediaType.Image, null!));
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("172.32.0.1", true)]
    [InlineData("100.128.0.1", true)]
    [InlineData("2001:4860:4860::8888", true)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.8.9.10", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd12:3456::1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("64:ff9b::a00:1", false)]    // NAT64 of 10.0.0.1
    [InlineData("64:ff9b::808:808", true)]   // NAT64 of 8.8.8.8
    [InlineData("2002:a00:1::", false)]      // 6to4 of 10.0.0.1
    public void Address_policy_refuses_non_public_addresses(string address, bool isPublic)
    {
        Assert.Equal(isPublic, AddressPolicy.IsPublic(IPAddress.Parse(address)));
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(Path.GetDirectoryName(_root)!, recursive: true);
    }
}
