using System.Text.Json.Nodes;

namespace InternS1.Batch.Benchmarks.Remote;

/// <summary>One variant of <c>bench remote</c>: how long its jobs took and what the server saw.</summary>
/// <param name="Variant">What drove the server (<c>plain client, 16 at once</c>, <c>worker (adaptive)</c>, ...).</param>
/// <param name="Jobs">Jobs completed.</param>
/// <param name="Seconds">From the first request the server received to the last job done (committed, for the worker).</param>
/// <param name="CompletionTokens">Tokens generated in all, as the server reported them.</param>
/// <param name="Refused">Requests the server answered 503 (queue full).</param>
/// <param name="PeakRunning">Most requests the server generated at once.</param>
public sealed record RemoteRunResult(string Variant, int Jobs, double Seconds, long CompletionTokens, int Refused, int PeakRunning)
{
    public double JobsPerSecond => Jobs / Seconds;

    public double TokensPerSecond => CompletionTokens / Seconds;

    public JsonObject ToJson() => new()
    {
        ["variant"] = Variant, ["jobs"] = Jobs, ["seconds"] = Math.Round(Seconds, 3), ["completion_tokens"] = CompletionTokens,
        ["jobs_per_second"] = Math.Round(JobsPerSecond, 2), ["tokens_per_second"] = Math.Round(TokensPerSecond, 1),
        ["refused_503"] = Refused, ["peak_running"] = PeakRunning,
    };
}
