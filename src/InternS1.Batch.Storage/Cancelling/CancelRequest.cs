namespace InternS1.Batch.Storage.Cancelling;

/// <summary>What <c>interns1 cancel</c> asks for: every unfinished job of a dataset, or one job.
/// Exactly one of <see cref="Dataset"/> and <see cref="JobId"/> is set.</summary>
public sealed record CancelRequest
{
    public string? Dataset { get; init; }

    public string? JobId { get; init; }

    /// <summary>Who asks (recorded in <c>cancellations.requested_by</c>).</summary>
    public required string RequestedBy { get; init; }

    /// <summary>The target for messages: <c>dataset 'D'</c> or <c>job 'J'</c>.</summary>
    public string Describe() => Dataset is not null ? $"dataset '{Dataset}'" : $"job '{JobId}'";
}
