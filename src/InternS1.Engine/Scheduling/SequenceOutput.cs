namespace InternS1.Engine.Scheduling;

/// <summary>
/// What the scheduler reports about one request after a step (vLLM v1's <c>EngineCoreOutput</c>), for the
/// output processor: the token it appended, and how the request ended when it did.
/// </summary>
/// <param name="RequestId">The request.</param>
/// <param name="NewTokenId">The token sampled and appended this step; null when none was (a prefill chunk
/// short of the end, or an end found while scheduling: deadline, error).</param>
/// <param name="Finish">Set when the request ended; null while it runs.</param>
public sealed record SequenceOutput(string RequestId, int? NewTokenId, SequenceFinish? Finish);
