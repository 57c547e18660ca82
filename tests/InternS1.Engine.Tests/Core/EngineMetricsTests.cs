using System.Diagnostics.Metrics;
using InternS1.Engine.Core;
using InternS1.Engine.Tests.Doubles;
using static InternS1.Engine.Tests.Doubles.EngineHarness;

namespace InternS1.Engine.Tests.Core;

public sealed class EngineMetricsTests
{
    [Fact]
    public void Steps_preemptions_kv_use_and_prefix_hits_are_measured()
    {
        using var metrics = new EngineMetrics();
        var runner = new PatternRunner();
        var core = new EngineCore(runner, new TestDecoder(), Options(maxNumSeqs: 4, maxBatchedTokens: 32, blocks: 10), metrics: metrics);
        var values = new Dictionary<string, long>();
        var batchSizes = new List<int>();
        var stepTokens = new List<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // this engine's meter only: tests running in parallel publish instruments of the same names on meters of their own
            if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name.StartsWith("interns1.engine.")) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((i, v, _, _) =>
        {
            if (i.Name == "interns1.engine.batch_size") batchSizes.Add(v);
            else if (i.Name == "interns1.engine.step_tokens") stepTokens.Add(v);
            else values[i.Name] = v;
        });
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => values[i.Name] = v);
        double hitRate = -1;
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => hitRate = v);
        listener.Start();

        var shared = Prompt(1, 8);
        core.RunToCompletion([Request("w", [.. shared, 5])]);
        core.RunToCompletion(Enumerable.Range(0, 4).Select(i => Request($"j{i}", [.. shared, .. Prompt(10 + i, 4)], maxNewTokens: 12, ignoreEos: true)));
        listener.RecordObservableInstruments();

        Assert.Equal(runner.Steps.Select(s => s.Requests.Count), batchSizes);
        Assert.Equal(runner.Steps.Select(s => s.TotalScheduledTokens), stepTokens);
        Assert.Equal(core.Scheduler.NumPreemptions, values["interns1.engine.preemptions"]);
        Assert.True(values["interns1.engine.preemptions"] > 0);
        Assert.Equal(10, values["interns1.engine.kv_blocks.total"]);
        Assert.Equal(0, values["interns1.engine.kv_blocks.used"]);
        Assert.Equal(0, values["interns1.engine.running"]);
        Assert.Equal(core.Scheduler.KvCache.HitTokens, values["interns1.engine.prefix_cache.hit_tokens"]);
        Assert.True(core.Scheduler.KvCache.HitTokens >= 4 * 8);
        Assert.Equal((double)core.Scheduler.KvCache.HitTokens / core.Scheduler.KvCache.QueriedTokens, hitRate, 6);
    }
}
