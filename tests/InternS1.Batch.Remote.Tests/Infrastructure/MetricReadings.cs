using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace InternS1.Batch.Remote.Tests.Infrastructure;

/// <summary>Listens to the <c>InternS1.Batch</c> instruments of one meter factory and reads them: observable
/// gauges on demand (<see cref="Gauge"/>), counters as running sums (<see cref="Count"/>).</summary>
public sealed class MetricReadings : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new();
    private readonly ConcurrentDictionary<string, double> _last = new();

    public MetricReadings(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "InternS1.Batch" && instrument.Name.StartsWith("interns1.remote.", StringComparison.Ordinal)
                && ReferenceEquals(instrument.Meter.Scope, factory))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Store(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Store(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Store(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The current value of an observable gauge for one endpoint.</summary>
    public double? Gauge(string name, string endpoint)
    {
        _listener.RecordObservableInstruments();
        return _last.TryGetValue(Key(name, endpoint, null), out var v) ? v : null;
    }

    /// <summary>The sum of a counter for one endpoint (and one status, when given).</summary>
    public long Count(string name, string endpoint, string? status = null) =>
        _sums.Where(kv => kv.Key.StartsWith(Key(name, endpoint, status), StringComparison.Ordinal)).Sum(kv => kv.Value);

    /// <summary>How many values a histogram received for one endpoint.</summary>
    public long Recorded(string name, string endpoint) => Count(name + "#n", endpoint);

    public void Dispose() => _listener.Dispose();

    private void Store(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? endpoint = null, status = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "endpoint")
                endpoint = tag.Value as string;
            else if (tag.Key == "status")
                status = tag.Value as string;
        }
        if (instrument.GetType().Name.StartsWith("ObservableGauge", StringComparison.Ordinal))
            _last[Key(instrument.Name, endpoint, null)] = value;
        else if (instrument is Histogram<double>)
            _sums.AddOrUpdate(Key(instrument.Name + "#n", endpoint, null), 1, (_, s) => s + 1);
        else
            _sums.AddOrUpdate(Key(instrument.Name, endpoint, status), (long)value, (_, s) => s + (long)value);
    }

    private static string Key(string name, string? endpoint, string? status) => $"{name}|{endpoint}|{status}";
}
