namespace InternS1.Batch.Remote.Endpoints;

/// <summary>Whether an endpoint takes requests.</summary>
public enum EndpointState
{
    /// <summary>Not probed yet (flavor and model unknown): takes no requests.</summary>
    Unknown,

    /// <summary>Detected and healthy: takes requests up to its limiter's value.</summary>
    Up,

    /// <summary>Failed a probe, refused the API key, or failed <c>Remote:FailuresBeforeDown</c> times in a
    /// row: takes no requests and is probed every <c>Remote:HealthProbeInterval</c> until it recovers.</summary>
    Down,
}
