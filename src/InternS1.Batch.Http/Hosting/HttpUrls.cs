namespace InternS1.Batch.Http.Hosting;

/// <summary>The URLs Kestrel listens on, as ASP.NET Core writes them: one or more absolute <c>http://</c> or
/// <c>https://</c> URLs separated by <c>;</c> (<c>http://127.0.0.1:8000</c>, <c>http://0.0.0.0:8000</c>,
/// <c>http://[::1]:8000</c>; a <c>*</c> or <c>+</c> host means every interface).</summary>
public static class HttpUrls
{
    /// <summary>The URLs of <paramref name="urls"/>.</summary>
    /// <param name="urls">The setting's value.</param>
    /// <param name="key">The setting's name, for errors (<c>Serve:Urls</c>, <c>--urls</c>).</param>
    /// <exception cref="ArgumentException">Empty, or a URL that is not an absolute http(s) URL with a port or a scheme default.</exception>
    public static string[] Parse(string? urls, string key)
    {
        var list = (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length == 0)
            throw new ArgumentException($"{key}: no URL given (e.g. http://127.0.0.1:8000)");
        foreach (var url in list)
        {
            // '*' and '+' are Kestrel's wildcards; System.Uri does not parse them as hosts.
            var probe = url.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal);
            if (!Uri.TryCreate(probe, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new ArgumentException($"{key}: '{url}' is not an absolute http:// or https:// URL");
            if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
                throw new ArgumentException($"{key}: '{url}' must not have a path or query (the endpoints are /v1/..., /health, /metrics)");
        }
        return list;
    }
}
