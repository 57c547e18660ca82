using System.Text.Json.Serialization;

namespace InternS1.Batch.Storage.Reporting;

/// <summary>A row of the <c>dataset_rates</c> view: the completion rate over the last
/// <see cref="WindowMinutes"/> minutes and the ETA of the pending jobs (formulas in the view's SQL and the README).</summary>
public sealed record DatasetRate
{
    [JsonPropertyName("dataset")] public required string Dataset { get; init; }

    /// <summary>N of "the last N minutes" (5).</summary>
    [JsonPropertyName("window_minutes")] public int WindowMinutes { get; init; }

    /// <summary>greatest(now - N minutes, the dataset's first start).</summary>
    [JsonPropertyName("window_start")] public DateTime WindowStart { get; init; }

    [JsonPropertyName("window_seconds")] public double WindowSeconds { get; init; }

    /// <summary>Jobs that ended in the window (any status but cancelled).</summary>
    [JsonPropertyName("finished_in_window")] public long FinishedInWindow { get; init; }

    [JsonPropertyName("completion_tokens_in_window")] public long CompletionTokensInWindow { get; init; }

    [JsonPropertyName("pending")] public long Pending { get; init; }

    /// <summary>Jobs ended per minute in the window; null when none ended.</summary>
    [JsonPropertyName("jobs_per_minute")] public double? JobsPerMinute { get; init; }

    /// <summary>Completion tokens per second in the window; null when no job ended.</summary>
    [JsonPropertyName("output_tokens_per_second")] public double? OutputTokensPerSecond { get; init; }

    /// <summary>pending / jobs_per_minute in seconds; 0 when nothing is pending; null without a rate.</summary>
    [JsonPropertyName("eta_seconds")] public double? EtaSeconds { get; init; }

    /// <summary>now + eta_seconds.</summary>
    [JsonPropertyName("eta_at")] public DateTime? EtaAt { get; init; }
}
