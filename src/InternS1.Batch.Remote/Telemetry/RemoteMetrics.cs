using System.Diagnostics.Metrics;
using InternS1.Batch.Remote.Endpoints;

namespace InternS1.Batch.Remote.Telemetry;

/// <summary>
/// Per-endpoint instruments on the worker's meter <c>InternS1.Batch</c>, each tagged <c>endpoint</c>
/// (<c>host:port</c>): gauges <c>interns1.remote.concurrency_limit</c>, <c>.in_flight</c>, <c>.state</c>
/// (1 up, 0 down or not yet detected), <c>.server_waiting</c> (the server's own queue gauge); histograms
/// <c>.latency</c> and <c>.time_to_first_event</c> (seconds, successful attempts); counters <c>.errors</c>
/// (tag <c>status</c>: the HTTP status, or <c>transport</c>, <c>timeout</c>, <c>idle_timeout</c>,
/// <c>stream_dropped</c>, <c>stream_error</c>, <c>abort</c>, <c>error</c>) and <c>.retries</c>.
/// </summary>
public sealed class RemoteMetrics
{
    /// <summary>The meter the worker exports (the same as the worker's own instruments).</summary>
    public const string MeterName = "InternS1.Batch";

    private readonly Histogram<double> _latency;
    private readonly Histogram<double> _firstEvent;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _retries;

    public RemoteMetrics(IMeterFactory meterFactory, EndpointPool pool)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("interns1.remote.concurrency_limit",
            () => Each(pool, s => s.Limit), "{request}", "Adaptive concurrency limit of each remote endpoint.");
        meter.CreateObservableGauge("interns1.remote.in_flight",
            () => Each(pool, s => s.InFlight), "{request}", "Requests in flight on each remote endpoint.");
        meter.CreateObservableGauge("interns1.remote.state",
            () => Each(pool, s => s.State == EndpointState.Up ? 1 : 0), "{state}", "1 when the remote endpoint takes requests, 0 when it is down or not yet detected.");
        meter.CreateObservableGauge("interns1.remote.server_waiting",
            () => Each(pool, s => s.Load?.Waiting ?? 0), "{request}", "Requests queued on the server, from its Prometheus metrics (0 when it has none).");
        _latency = meter.CreateHistogram<double>("interns1.remote.latency", "s", "Time from sending a request to the end of its stream.");
        _firstEvent = meter.CreateHistogram<double>("interns1.remote.time_to_first_event", "s", "Time from sending a request to its first streamed event.");
        _errors = meter.CreateCounter<long>("interns1.remote.errors", "{error}", "Failed attempts per remote endpoint, by status.");
        _retries = meter.CreateCounter<long>("interns1.remote.retries", "{attempt}", "Attempts retried after a transient fault, by the endpoint that failed.");
    }

    internal void Succeeded(string endpoint, TimeSpan firstEvent, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("endpoint", endpoint);
        _firstEvent.Record(firstEvent.TotalSeconds, tag);
        _latency.Record(duration.TotalSeconds, tag);
    }

    internal void Error(string endpoint, string status) =>
        _errors.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint), new KeyValuePair<string, object?>("status", status));

    internal void Retried(string endpoint) => _retries.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));

    private static IEnumerable<Measurement<int>> Each(EndpointPool pool, Func<RemoteEndpointStatus, int> value) =>
        pool.Status().Select(s => new Measurement<int>(value(s), new KeyValuePair<string, object?>("endpoint", s.Label)));
}
