namespace InternS1.Batch.Remote.Endpoints;

/// <summary>Endpoint URLs as they may appear in logs, metrics and messages: without credentials.</summary>
internal static class EndpointText
{
    /// <summary>The URL with any <c>user:password@</c> part replaced by <c>***@</c>; text that is not a URL is returned as is.</summary>
    public static string Redact(string? url)
    {
        if (string.IsNullOrEmpty(url))
            return "";
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.UserInfo.Length == 0)
            return url;
        return new UriBuilder(uri) { UserName = "***", Password = "" }.Uri.ToString();
    }

    /// <summary>A short label for metrics and logs: <c>host:port</c> plus the path when it is not <c>/v1</c>.</summary>
    public static string Label(Uri baseUri)
    {
        var path = baseUri.AbsolutePath.TrimEnd('/');
        var hostPort = $"{baseUri.Host}:{baseUri.Port}";
        return path is "" or "/v1" ? hostPort : hostPort + path;
    }
}
