namespace InternS1.Batch.Storage.Dashboard;

/// <summary>A row of <c>dataset_tokens</c>: token totals of a dataset's succeeded jobs.</summary>
public sealed record TokenTotals(long Jobs, long PromptTokens, long CachedTokens, long ImageTokens, long VideoTokens,
    long CompletionTokens, long ReasoningTokens)
{
    /// <summary>Totals of a dataset without results.</summary>
    public static TokenTotals None { get; } = new(0, 0, 0, 0, 0, 0, 0);
}
