namespace InternS1.Engine.Execution;

/// <summary>The runner's results for one step, one entry per scheduled request, in batch order.</summary>
public sealed record ModelRunnerOutput(IReadOnlyList<RequestOutput> Outputs)
{
    /// <summary>Time the runner spent applying <see cref="ScheduledRequest.TokenMask"/>s to logits this step.</summary>
    public TimeSpan MaskTime { get; init; }
}

/// <summary>One request's result of a step.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="SampledTokenId">The sampled token when the request was scheduled with Sample; else null.</param>
/// <param name="Logits">Float32 logits of the sampled position when ReturnLogits was set.</param>
/// <param name="Error">A failure confined to this request (e.g. vision input could not be encoded).</param>
public sealed record RequestOutput(string RequestId, int? SampledTokenId, float[]? Logits = null, string? Error = null);
