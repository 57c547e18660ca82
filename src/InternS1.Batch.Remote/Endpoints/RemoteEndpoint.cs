using InternS1.Batch.Remote.Concurrency;
using InternS1.Batch.Remote.Flavors;

namespace InternS1.Batch.Remote.Endpoints;

/// <summary>
/// One configured server: its addresses, what detection found (flavor, model), its health and its
/// concurrency limiter. Mutable state is changed only by <see cref="EndpointPool"/> under its lock.
/// </summary>
internal sealed class RemoteEndpoint
{
    public RemoteEndpoint(string configuredUrl, int maxConcurrency)
    {
        var uri = new Uri(configuredUrl.Trim(), UriKind.Absolute);
        var path = uri.AbsolutePath.TrimEnd('/');
        BaseUri = new Uri(uri.GetLeftPart(UriPartial.Authority) + path + "/");
        // NOTE: health, metrics, version and abort live at the server root, next to /v1.
        var rootPath = path.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        Root = new Uri(uri.GetLeftPart(UriPartial.Authority) + rootPath + "/");
        Label = EndpointText.Label(uri);
        Limiter = new AimdLimiter(maxConcurrency);
    }

    /// <summary>The OpenAI API base, with a trailing slash (<c>http://host:23333/v1/</c>).</summary>
    public Uri BaseUri { get; }

    /// <summary>The server root, with a trailing slash (<c>http://host:23333/</c>).</summary>
    public Uri Root { get; }

    /// <summary><c>host:port</c>, for logs and metric tags.</summary>
    public string Label { get; }

    public Uri ChatCompletions => new(BaseUri, "chat/completions");

    public Uri Models => new(BaseUri, "models");

    public AimdLimiter Limiter { get; }

    public EndpointState State { get; set; } = EndpointState.Unknown;

    /// <summary>Set by detection (or the configured flavor) before the endpoint first goes up.</summary>
    public FlavorDialect? Dialect { get; set; }

    public string? Model { get; set; }

    public int ConsecutiveFailures { get; set; }

    /// <summary>Consecutive metric scrapes that showed a queue on the server.</summary>
    public int QueuedScrapes { get; set; }

    /// <summary>No request is sent before this instant (the server's <c>Retry-After</c>).</summary>
    public DateTimeOffset CoolDownUntil { get; set; }

    public ServerLoad? LastLoad { get; set; }

    public string? LastError { get; set; }

    public RemoteEndpointStatus Snapshot() => new(
        Label, State, Dialect?.Flavor, Model, Limiter.Limit, Limiter.InFlight, Limiter.Cap, LastLoad, LastError);
}
