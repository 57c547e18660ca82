using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Jobs;

/// <summary>
/// Sampling settings of one job. Every field is optional; a missing field takes Intern-S1's
/// recommended value (temperature 0.7, top_p 1.0, top_k 50, min_p 0.0), or the worker's configured
/// default for <c>max_new_tokens</c>. Values are validated by the worker: an invalid value
/// dead-letters the job with reason <c>invalid_sampling</c> naming the field.
/// </summary>
public sealed record SamplingSettings
{
    public const double DefaultTemperature = 0.7;
    public const double DefaultTopP = 1.0;
    public const int DefaultTopK = 50;
    public const double DefaultMinP = 0.0;

    /// <summary>0 means greedy. Range [0, 2]. Default 0.7.</summary>
    [JsonPropertyName("temperature")]
    public double? Temperature { get; init; }

    /// <summary>Nucleus mass, range (0, 1]. Default 1.0.</summary>
    [JsonPropertyName("top_p")]
    public double? TopP { get; init; }

    /// <summary>Keep the k most likely tokens; 0 or -1 disables. Default 50.</summary>
    [JsonPropertyName("top_k")]
    public int? TopK { get; init; }

    /// <summary>Drop tokens below min_p x the top probability, range [0, 1]. Default 0.0.</summary>
    [JsonPropertyName("min_p")]
    public double? MinP { get; init; }

    /// <summary>Most tokens to generate (thinking included). Must be positive. Default: the
    /// worker's <c>Engine:DefaultMaxNewTokens</c>.</summary>
    [JsonPropertyName("max_new_tokens")]
    public int? MaxNewTokens { get; init; }

    /// <summary>With thinking on, most tokens of the think block (<c>&lt;/think&gt;</c> included); when they are used up
    /// <c>&lt;/think&gt;</c> is forced, so the answer always gets tokens. Must be positive and below
    /// <c>max_new_tokens</c>. Default: none, or half of <c>max_new_tokens</c> when a structured
    /// <c>response_format</c> is set. Ignored with thinking off.</summary>
    [JsonPropertyName("max_reasoning_tokens")]
    public int? MaxReasoningTokens { get; init; }

    /// <summary>Per-job seed: the same job with the same seed gives the same tokens whatever else
    /// is in the batch. Default: a random seed recorded with the result.</summary>
    [JsonPropertyName("seed")]
    public long? Seed { get; init; }

    /// <summary>Stop strings; generation ends when the output contains one (it is not included).</summary>
    [JsonPropertyName("stop")]
    public IReadOnlyList<string>? Stop { get; init; }
}
