using System.Diagnostics.Metrics;
using InternS1.Engine.Execution;
using InternS1.Engine.Scheduling;

namespace InternS1.Engine.Core;

/// <summary>
/// The engine's instruments on the <c>InternS1.Batch</c> meter: running / waiting sequences, batch
/// size and tokens per step, KV blocks used, prefix-cache hit rate, preemptions, token-mask time of structured output. Gauges read the
/// attached scheduler's counters (plain ints, safe to read from the exporter's thread).
/// </summary>
public sealed class EngineMetrics : IDisposable
{
    /// <summary>The one meter of the service.</summary>
    public const string MeterName = "InternS1.Batch";

    private readonly Meter _meter;

    /// <summary>The meter the instruments live on (tests listen to this instance only: other engines in the process
    /// publish instruments of the same names).</summary>
    internal Meter Meter => _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<int> _stepTokens;
    private readonly Counter<long> _steps;
    private readonly Histogram<double> _maskTime;
    private readonly Counter<long> _maskedSequences;
    private readonly Counter<long> _slowMaskSteps;
    private Scheduler? _scheduler;

    /// <summary>Creates the instruments on <paramref name="meterFactory"/>'s meter (the host's, in DI) or on a
    /// meter of its own (tests, benchmarks).</summary>
    public EngineMetrics(IMeterFactory? meterFactory = null)
    {
        // NOTE: a factory's meter is shared with the service's other instruments and disposed by the factory.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _batchSize = _meter.CreateHistogram<int>("interns1.engine.batch_size", "{sequence}", "Sequences computed in one engine step.");
        _stepTokens = _meter.CreateHistogram<int>("interns1.engine.step_tokens", "{token}", "Tokens computed in one engine step.");
        _steps = _meter.CreateCounter<long>("interns1.engine.steps", "{step}", "Engine steps run.");
        _maskTime = _meter.CreateHistogram<double>("interns1.engine.structured.mask_time", "s",
            "Time one engine step spent on the token masks of constrained sequences (filling them and applying them to the logits); steps without any are not recorded.");
        _maskedSequences = _meter.CreateCounter<long>("interns1.engine.structured.masked_sequences", "{sequence}", "Sampled tokens that were constrained by a token mask.");
        _slowMaskSteps = _meter.CreateCounter<long>("interns1.engine.structured.slow_mask_steps", "{step}", "Steps whose mask time exceeded 10% of the step.");
        _meter.CreateObservableGauge("interns1.engine.running", () => _scheduler?.NumRunning ?? 0, "{sequence}", "Sequences holding KV blocks.");
        _meter.CreateObservableGauge("interns1.engine.waiting", () => _scheduler?.NumWaiting ?? 0, "{sequence}", "Admitted sequences waiting for KV blocks.");
        _meter.CreateObservableGauge("interns1.engine.kv_blocks.used", () => _scheduler?.KvCache.Pool.NumUsedBlocks ?? 0, "{block}", "KV blocks referenced by a sequence.");
        _meter.CreateObservableGauge("interns1.engine.kv_blocks.total", () => _scheduler?.KvCache.Pool.NumBlocks ?? 0, "{block}", "KV blocks in the pool.");
        _meter.CreateObservableGauge("interns1.engine.prefix_cache.hit_rate", () => HitRate(), null, "Prompt tokens served from the prefix cache / prompt tokens looked up, since start.");
        _meter.CreateObservableCounter("interns1.engine.prefix_cache.queried_tokens", () => _scheduler?.KvCache.QueriedTokens ?? 0, "{token}", "Prompt tokens looked up in the prefix cache.");
        _meter.CreateObservableCounter("interns1.engine.prefix_cache.hit_tokens", () => _scheduler?.KvCache.HitTokens ?? 0, "{token}", "Prompt tokens served from the prefix cache.");
        _meter.CreateObservableGauge("interns1.engine.waiting_for_prefix", () => _scheduler?.DeferredForPrefix ?? 0, "{sequence}", "Waiting sequences held back in the last step because a running sequence was computing their next prefix block.");
        _meter.CreateObservableCounter("interns1.engine.preemptions", () => _scheduler?.NumPreemptions ?? 0, "{preemption}", "Sequences preempted for KV blocks (recomputed later).");
    }

    /// <summary>Points the gauges at the engine's scheduler.</summary>
    public void Attach(Scheduler scheduler) => _scheduler = scheduler;

    /// <summary>Records one step's batch.</summary>
    public void RecordStep(SchedulerOutput schedule)
    {
        _steps.Add(1);
        if (schedule.Requests.Count == 0) return;
        _batchSize.Record(schedule.Requests.Count);
        _stepTokens.Record(schedule.TotalScheduledTokens);
    }

    /// <summary>Records one step's token masks: <paramref name="sequences"/> masked rows in <paramref name="maskTime"/> of a
    /// step that took <paramref name="stepTime"/>.</summary>
    public void RecordMasks(int sequences, TimeSpan maskTime, TimeSpan stepTime)
    {
        _maskTime.Record(maskTime.TotalSeconds);
        _maskedSequences.Add(sequences);
        if (maskTime.Ticks * 10 > stepTime.Ticks) _slowMaskSteps.Add(1);
    }

    private double HitRate()
    {
        var kv = _scheduler?.KvCache;
        return kv is null || kv.QueriedTokens == 0 ? 0.0 : (double)kv.HitTokens / kv.QueriedTokens;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }
}
