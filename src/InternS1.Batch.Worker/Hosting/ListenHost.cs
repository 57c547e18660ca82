namespace InternS1.Batch.Worker.Hosting;

/// <summary>
/// The host part of the worker's HTTP listeners (<c>Worker:HealthHost</c>, <c>Worker:MetricsHost</c>): loopback
/// (<c>127.0.0.1</c>) by default, so a worker outside a container exposes nothing to the network; <c>*</c>,
/// <c>0.0.0.0</c> or <c>[::]</c> listen on every interface (containers, whose probes and scrapers come from
/// outside); any other host name or address listens there and answers only requests addressed to it.
/// </summary>
public static class ListenHost
{
    /// <summary>The default: the IPv4 loopback address.</summary>
    public const string Loopback = "127.0.0.1";

    /// <summary>What <c>HttpListener</c> calls every interface.</summary>
    public const string Any = "*";

    /// <summary>The validation pattern of the host options.</summary>
    public const string Pattern = @"^(\*|[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])$";

    /// <summary>True for the values that mean every interface.</summary>
    public static bool IsAny(string host) => host is Any or "+" or "0.0.0.0" or "[::]";

    /// <summary>The host to put in an <c>http://HOST:PORT/</c> listener prefix.</summary>
    public static string Prefix(string host) => IsAny(host) ? Any : host;
}
