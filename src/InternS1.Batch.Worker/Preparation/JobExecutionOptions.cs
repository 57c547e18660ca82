namespace InternS1.Batch.Worker.Preparation;

/// <summary>How jobs become engine requests (configuration section <c>Execution</c>; max_new_tokens defaults to <c>Engine:DefaultMaxNewTokens</c>).</summary>
public sealed class JobExecutionOptions
{
    public const string SectionName = "Execution";

    /// <summary>Share prefix-cache blocks only within a dataset (the dataset name salts the block hashes).</summary>
    public bool IsolatePrefixCacheByDataset { get; set; }
}
