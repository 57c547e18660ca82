using System.ComponentModel.DataAnnotations;

namespace InternS1.Batch.Worker.Options;

/// <summary>Limits applied to every job before it reaches the engine (section <c>Validation</c>).</summary>
public sealed class JobValidationOptions
{
    public const string SectionName = "Validation";

    /// <summary>Most messages in one conversation. Default 1024.</summary>
    [Range(1, 100_000)]
    public int MaxMessages { get; set; } = 1024;

    /// <summary>Most stop strings per job. Default 16.</summary>
    [Range(0, 1024)]
    public int MaxStopStrings { get; set; } = 16;

    /// <summary>Longest stop string (characters). Default 256.</summary>
    [Range(1, 65536)]
    public int MaxStopStringLength { get; set; } = 256;

    /// <summary>Largest <c>sampling.max_new_tokens</c> accepted. Default 32768.</summary>
    [Range(1, 1_048_576)]
    public int MaxNewTokensLimit { get; set; } = 32768;

    /// <summary>How far in the future a <c>deadline</c> may lie. Default 30 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan MaxDeadlineHorizon { get; set; } = TimeSpan.FromDays(30);
}
