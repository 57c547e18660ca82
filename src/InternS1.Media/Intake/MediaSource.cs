namespace InternS1.Media.Intake;

/// <summary>
/// Where one media part's bytes come from: exactly one of <see cref="Url"/> (http(s) or <c>data:</c>),
/// <see cref="Path"/> (inside the media root) or <see cref="Base64"/> (inline). The worker builds it from a
/// <c>ContentPart</c> (an OpenAI <c>image_url.url</c> goes to <see cref="Url"/>).
/// </summary>
public sealed record MediaSource
{
    public required MediaType Type { get; init; }
    public string? Url { get; init; }
    public string? Path { get; init; }
    public string? Base64 { get; init; }

    public static MediaSource FromUrl(MediaType type, string url) => new() { Type = type, Url = url };
    public static MediaSource FromPath(MediaType type, string path) => new() { Type = type, Path = path };
    public static MediaSource FromBase64(MediaType type, string base64) => new() { Type = type, Base64 = base64 };

    /// <summary>Short description for error messages, e.g. <c>image url https://example.org/a.png</c> (long values cut, inline data not shown).</summary>
    public string Describe()
    {
        var type = Type == MediaType.Image ? "image" : "video";
        if (Url is not null)
            return Url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
                ? $"{type} data URL, {Url.Length} chars"
                : $"{type} url {Cut(Url)}";
        if (Path is not null) return $"{type} path {Cut(Path)}";
        if (Base64 is not null) return $"{type} base64, {Base64.Length} chars";
        return $"{type} without source";
    }

    private static string Cut(string s) => s.Length <= 200 ? s : s[..200] + "...";
}
