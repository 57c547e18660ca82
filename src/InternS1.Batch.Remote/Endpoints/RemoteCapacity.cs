namespace InternS1.Batch.Remote.Endpoints;

/// <summary>What the remote servers can take now: the worker sizes its intake by
/// <see cref="TotalLimit"/> and pauses it while <see cref="AllDown"/>.</summary>
/// <param name="Endpoints">Configured endpoints.</param>
/// <param name="UpEndpoints">Endpoints taking requests.</param>
/// <param name="TotalLimit">Sum of the concurrency limits of the endpoints that are up.</param>
public readonly record struct RemoteCapacity(int Endpoints, int UpEndpoints, int TotalLimit)
{
    /// <summary>No endpoint takes requests (none up, or none detected yet).</summary>
    public bool AllDown => UpEndpoints == 0;
}
