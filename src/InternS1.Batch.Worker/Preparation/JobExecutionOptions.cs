namespace InternS1.Batch.Worker.Preparation;

/// <summary>How jobs become engine requests (configuration section <c>Execution</c>; max_new_tokens defaults to <c>Engine:DefaultMaxNewTokens</c>).</summary>
public sealed class JobExecutionOptions
{
    public const string SectionName = "Execution";

    /// <summary>Share prefix-cache blocks only within a dataset (the dataset name salts the block hashes). Default true.
    /// NOTE: false shares cached prompt blocks across datasets, which saves prefill when datasets share long prompts but
    /// lets one dataset's producer learn another's prompts: a job's <c>cached_tokens</c> tells how much of its prompt
    /// some other job sent before (guess a record number, watch the cached tokens). Turn it off only when every
    /// dataset on the worker trusts every other.</summary>
    public bool IsolatePrefixCacheByDataset { get; set; } = true;
}
