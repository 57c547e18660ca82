namespace InternS1.Batch.Storage.Dashboard;

/// <summary>A row of <c>latency_percentiles</c> (milliseconds; succeeded jobs). End to end = created to finished,
/// run = started to finished; queue, prefill and decode as the engine measured them.</summary>
public sealed record LatencySummary
{
    public long Jobs { get; init; }
    public double? EndToEndP50Ms { get; init; }
    public double? EndToEndP90Ms { get; init; }
    public double? EndToEndP99Ms { get; init; }
    public double? RunP50Ms { get; init; }
    public double? RunP90Ms { get; init; }
    public double? RunP99Ms { get; init; }
    public double? QueueP50Ms { get; init; }
    public double? QueueP99Ms { get; init; }
    public double? PrefillP50Ms { get; init; }
    public double? PrefillP99Ms { get; init; }
    public double? DecodeP50Ms { get; init; }
    public double? DecodeP99Ms { get; init; }
}
