namespace InternS1.Batch.Storage.Dashboard;

/// <summary>One dataset on the dashboard's overview: <c>dataset_progress</c>, <c>dataset_rates</c> and
/// <c>dataset_tokens</c> joined by dataset.</summary>
public sealed record DatasetOverview
{
    public required string Dataset { get; init; }
    public long Total { get; init; }
    public long Succeeded { get; init; }

    /// <summary>failed + expired + cancelled, as <c>dataset_progress.failed</c>.</summary>
    public long Failed { get; init; }
    public long DeadLettered { get; init; }
    public long Cancelled { get; init; }
    public long Pending { get; init; }
    public long Running { get; init; }

    /// <summary>Jobs that ended (total - pending).</summary>
    public long Done => Total - Pending;

    public double? JobsPerMinute { get; init; }
    public double? OutputTokensPerSecond { get; init; }
    public double? EtaSeconds { get; init; }
    public DateTime? EtaAt { get; init; }
    public long PromptTokens { get; init; }
    public long CompletionTokens { get; init; }
    public DateTime? LastFinishedAt { get; init; }
}
