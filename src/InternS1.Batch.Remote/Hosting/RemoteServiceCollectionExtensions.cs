using InternS1.Batch.Remote.Client;
using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Health;
using InternS1.Batch.Remote.Options;
using InternS1.Batch.Remote.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace InternS1.Batch.Remote.Hosting;

/// <summary>Registers the remote engine's client layer.</summary>
public static class RemoteServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Remote</c> to <see cref="RemoteOptions"/> (validated on start), registers the named HTTP client
    /// (no client-wide timeout, one connection per concurrent stream, no request logging that could carry the API key), the
    /// <see cref="EndpointPool"/>, <see cref="RemoteMetrics"/>, <see cref="RemoteChatClient"/> and the
    /// <see cref="RemoteEndpointMonitor"/> that detects and probes the endpoints (as a hosted service unless
    /// <paramref name="hostMonitor"/> is false: the worker's remote engine starts it itself, ahead of the bus).
    /// </summary>
    public static IServiceCollection AddInternS1Remote(this IServiceCollection services, bool hostMonitor = true)
    {
        services.AddOptions<RemoteOptions>()
            .BindConfiguration(RemoteOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddHttpClient(RemoteHttp.ClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // NOTE: HTTP/1.1 carries one stream per connection; the limiter, not the handler, bounds concurrency.
                MaxConnectionsPerServer = int.MaxValue,
                ConnectTimeout = TimeSpan.FromSeconds(15),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
                AutomaticDecompression = System.Net.DecompressionMethods.None,
            })
            // NOTE: the Authorization header carries Remote:ApiKey. The factory's default request logging
            // redacts header values in its text but hands the raw values to structured sinks as state, so
            // it is removed (our own log lines name the endpoint and the outcome), and redaction stays on in
            // case a logger is added back.
            .RemoveAllLoggers()
            .RedactLoggedHeaders(_ => true);
        services.TryAddSingleton<EndpointPool>();
        services.TryAddSingleton<RemoteMetrics>();
        services.TryAddSingleton(sp => new RemoteChatClient(
            sp.GetRequiredService<EndpointPool>(),
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<RemoteChatClient>>(),
            sp.GetRequiredService<RemoteMetrics>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<RemoteEndpointMonitor>();
        if (hostMonitor)
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<RemoteEndpointMonitor>());
        return services;
    }
}
