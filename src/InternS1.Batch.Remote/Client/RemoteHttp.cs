using System.Net.Http.Headers;

namespace InternS1.Batch.Remote.Client;

/// <summary>The named <see cref="HttpClient"/> of the remote engine and how its requests are made.</summary>
internal static class RemoteHttp
{
    /// <summary>The <c>IHttpClientFactory</c> name (no client timeout: the remote client times each phase itself).</summary>
    public const string ClientName = "InternS1.Remote";

    /// <summary>Timeout of one probe (models, health, version, metrics, abort).</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A request with the API key as a bearer token when one is configured.</summary>
    public static HttpRequestMessage Request(HttpMethod method, Uri uri, string? apiKey)
    {
        var request = new HttpRequestMessage(method, uri);
        if (!string.IsNullOrEmpty(apiKey))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return request;
    }

    /// <summary>A GET that returns the status and body text (at most 1 MiB), or throws on transport errors
    /// and timeouts (<see cref="ProbeTimeout"/>).</summary>
    public static async Task<(int Status, string Body)> GetTextAsync(HttpClient http, Uri uri, string? apiKey, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        using var request = Request(HttpMethod.Get, uri, apiKey);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadBoundedAsync(response, 1 << 20, timeout.Token);
            return ((int)response.StatusCode, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"GET {uri.AbsolutePath} did not answer within {ProbeTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>The response body as text, cut at <paramref name="maxBytes"/>.</summary>
    public static async Task<string> ReadBoundedAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[maxBytes];
        var total = 0;
        int read;
        while (total < maxBytes && (read = await stream.ReadAsync(buffer.AsMemory(total, maxBytes - total), cancellationToken)) > 0)
            total += read;
        return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
    }
}
