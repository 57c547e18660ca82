using System.Diagnostics.Metrics;
using InternS1.Batch.Contracts.Events;

namespace InternS1.Batch.Worker.Telemetry;

/// <summary>Instruments of the worker on the meter <c>InternS1.Batch</c> (dotted names, <c>interns1.jobs.*</c>).</summary>
public sealed class WorkerMetrics
{
    /// <summary>The meter name (subscribe to it in OpenTelemetry or dotnet-counters).</summary>
    public const string MeterName = "InternS1.Batch";

    private readonly Counter<long> _received;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _duplicates;
    private readonly UpDownCounter<long> _inFlight;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _promptTokens;
    private readonly Counter<long> _completionTokens;
    private readonly Histogram<int> _groupSize;

    public WorkerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _received = meter.CreateCounter<long>("interns1.jobs.received", "{job}", "Job deliveries received (redeliveries included).");
        _completed = meter.CreateCounter<long>("interns1.jobs.completed", "{job}", "Jobs whose result was committed.");
        _deadLettered = meter.CreateCounter<long>("interns1.jobs.dead_lettered", "{job}", "Jobs recorded as dead letters, by reason_code.");
        _duplicates = meter.CreateCounter<long>("interns1.jobs.duplicates", "{job}", "Deliveries of jobs that had already ended (acknowledged without work).");
        _inFlight = meter.CreateUpDownCounter<long>("interns1.jobs.in_flight", "{job}", "Jobs being executed.");
        _duration = meter.CreateHistogram<double>("interns1.jobs.duration", "s", "Time from delivery to commit.");
        _promptTokens = meter.CreateCounter<long>("interns1.tokens.prompt", "{token}", "Prompt tokens of committed results.");
        _completionTokens = meter.CreateCounter<long>("interns1.tokens.completion", "{token}", "Completion tokens of committed results.");
        _groupSize = meter.CreateHistogram<int>("interns1.results.group_size", "{record}", "Records per group commit.");
    }

    public void Received() => _received.Add(1);

    public void Duplicate() => _duplicates.Add(1);

    public void Completed(TokenUsageInfo usage, TimeSpan elapsed)
    {
        _completed.Add(1);
        _promptTokens.Add(usage.PromptTokens);
        _completionTokens.Add(usage.CompletionTokens);
        _duration.Record(elapsed.TotalSeconds);
    }

    public void DeadLettered(string reasonCode) => _deadLettered.Add(1, new KeyValuePair<string, object?>("reason_code", reasonCode));

    public void GroupCommitted(int size) => _groupSize.Record(size);

    /// <summary>Counts a job as in flight until the returned handle is disposed.</summary>
    public IDisposable InFlight()
    {
        _inFlight.Add(1);
        return new Release(_inFlight);
    }

    private sealed class Release(UpDownCounter<long> counter) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
                counter.Add(-1);
        }
    }
}
