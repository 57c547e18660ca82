using System.ComponentModel.DataAnnotations;

namespace InternS1.Batch.Worker.Preparation;

/// <summary>How jobs become engine requests (configuration section <c>Execution</c>).</summary>
public sealed class JobExecutionOptions
{
    public const string SectionName = "Execution";

    /// <summary>max_new_tokens of a job that does not set it.</summary>
    [Range(1, 1_000_000)]
    public int DefaultMaxNewTokens { get; set; } = 4096;

    /// <summary>Share prefix-cache blocks only within a dataset (the dataset name salts the block hashes).</summary>
    public bool IsolatePrefixCacheByDataset { get; set; }
}
