using InternS1.Batch.Remote.Concurrency;
using InternS1.Batch.Remote.Options;

namespace InternS1.Batch.Remote.Endpoints;

/// <summary>A snapshot of one endpoint, for readiness reports, logs and metrics.</summary>
/// <param name="Label"><c>host:port</c> (no credentials).</param>
/// <param name="State">Up, down or not yet probed.</param>
/// <param name="Flavor">The detected or configured flavor, once known.</param>
/// <param name="Model">The model requests are sent with, once known.</param>
/// <param name="Limit">The adaptive concurrency limit now.</param>
/// <param name="InFlight">Requests in flight now.</param>
/// <param name="Cap">The most the limit may grow to now.</param>
/// <param name="Load">The last load read from the server's metrics, if any.</param>
/// <param name="LastError">Why it went down last, if it did.</param>
public sealed record RemoteEndpointStatus(
    string Label,
    EndpointState State,
    RemoteFlavor? Flavor,
    string? Model,
    int Limit,
    int InFlight,
    int Cap,
    ServerLoad? Load,
    string? LastError);
