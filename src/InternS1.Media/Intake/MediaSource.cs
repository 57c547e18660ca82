using System.Runtime.CompilerServices;

namespace InternS1.Media.Intake;

/// <summary>
/// Where one media part's bytes come from: exactly one of <see cref="Url"/> (http(s) or <c>data:</c>),
/// <see cref="Path"/> (inside the media root) or <see cref="Base64"/> (inline). The worker builds it from a
/// validated <c>ContentPart</c> (an OpenAI <c>image_url.url</c> goes to <see cref="Url"/>).
/// NOTE: "exactly one source" holds by construction (only the three factories create a source, and the
/// properties have no setters), so intake never checks it again; the job's contract is checked once, by the
/// worker's validator.
/// </summary>
public sealed record MediaSource
{
    private MediaSource(MediaType type, string? url, string? path, string? base64)
    {
        Type = type;
        Url = url;
        Path = path;
        Base64 = base64;
    }

    public MediaType Type { get; }
    public string? Url { get; }
    public string? Path { get; }
    public string? Base64 { get; }

    public static MediaSource FromUrl(MediaType type, string url) => new(type, Required(url), null, null);
    public static MediaSource FromPath(MediaType type, string path) => new(type, null, Required(path), null);
    public static MediaSource FromBase64(MediaType type, string base64) => new(type, null, null, Required(base64));

    /// <summary>Short description for error messages, e.g. <c>image url https://example.org/a.png</c> (long values cut, inline data not shown).</summary>
    public string Describe()
    {
        var type = Type == MediaType.Image ? "image" : "video";
        if (Url is not null)
            return Url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
                ? $"{type} data URL, {Url.Length} chars"
                : $"{type} url {Cut(Url)}";
        if (Path is not null) return $"{type} path {Cut(Path)}";
        return $"{type} base64, {Base64!.Length} chars";
    }

    private static string Required(string value, [CallerArgumentExpression(nameof(value))] string name = "")
        => value ?? throw new ArgumentNullException(name);

    private static string Cut(string s) => s.Length <= 200 ? s : s[..200] + "...";
}
